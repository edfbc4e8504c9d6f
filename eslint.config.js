import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "migrations/", "coverage/", "test-output/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Read configuration in src/config.ts only." },
      ],
    },
  },
  {
    // The store is asynchronous (issue 14): a promise nobody awaits is a write that may never happen, or an error lost.
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
    },
  },
  {
    files: ["src/config.ts", "test/**", "bench/**", "bin/**", "drizzle.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  // Tests read loosely typed JSON answers; a cast per field would hide more than it shows.
  { files: ["test/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  { files: ["bin/**/*.js"], languageOptions: { globals: { process: "readonly", console: "readonly" } } },
);
