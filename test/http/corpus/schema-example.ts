/** A minimal JSON Schema view: what the served OpenAPI document uses for request bodies and parameters. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  example?: unknown;
  minimum?: number;
  minLength?: number;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export type Components = Record<string, JsonSchema>;

/** A valid-looking value for a schema: examples and enums first, then the smallest value its constraints allow. */
export function exampleOf(schema: JsonSchema | undefined, components: Components, depth = 0): unknown {
  if (!schema || depth > 8) return "x";
  if (schema.$ref) return exampleOf(components[schema.$ref.split("/").pop()!], components, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants?.length) return exampleOf(variants[0], components, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(schema.properties ?? {})) out[key] = exampleOf(prop, components, depth + 1);
      return out;
    }
    case "array":
      return [exampleOf(schema.items, components, depth + 1)];
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "string":
      if (schema.format === "uri" || schema.format === "url") return "https://ci.example.com/job/1";
      return "web".padEnd(schema.minLength ?? 1, "x");
    default:
      return "x";
  }
}
