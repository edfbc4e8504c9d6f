import { AppError, type FieldError } from "../http/app-error.ts";
import { nameProblem } from "../http/name-field.ts";
import { parseTimestamp } from "../http/timestamp-field.ts";

const MAX_ERRORS = 100;

/** A short view of a wrong value; never JSON.stringify of an array or object, which may be nested deeper than the stack. */
const shown = (v: unknown) => (Array.isArray(v) ? "an array" : typeof v === "object" && v !== null ? "an object" : JSON.stringify(v).slice(0, 40));

/**
 * A small hand-written validator for the hot ingest path (tens of thousands of records a request):
 * it collects errors with their place ("events[3].status") and throws them all at once.
 */
export class RecordValidator {
  readonly errors: FieldError[] = [];
  private readonly now = Date.now();

  constructor(private readonly where: (i: number) => string) {}

  private add(i: number, field: string, message: string): undefined {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ path: `${this.where(i)}.${field}`, message });
    return undefined;
  }

  object(i: number, value: unknown): Record<string, unknown> | undefined {
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    if (this.errors.length < MAX_ERRORS) this.errors.push({ path: this.where(i), message: "must be a JSON object" });
    return undefined;
  }

  /** A free-text field (a log message): any characters, up to max. Names go through name() instead. */
  string(i: number, r: Record<string, unknown>, field: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = r[field];
    if (v === undefined || v === null) return opts.required ? this.add(i, field, "is required") : undefined;
    if (typeof v !== "string") return this.add(i, field, `must be a string, got ${typeof v}`);
    const max = opts.max ?? 200;
    if (v.length === 0 && opts.required) return this.add(i, field, "must not be empty");
    if (v.length > max) return this.add(i, field, `must be at most ${max} characters`);
    return v === "" ? undefined : v;
  }

  /** A service, environment, version, host, route or level: a string with no control characters or bidi overrides. */
  name(i: number, r: Record<string, unknown>, field: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.string(i, r, field, opts);
    const problem = v === undefined ? undefined : nameProblem(v);
    return problem ? this.add(i, field, problem) : v;
  }

  number(i: number, r: Record<string, unknown>, field: string, opts: { required?: boolean; min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const v = r[field];
    if (v === undefined || v === null) return opts.required ? this.add(i, field, "is required") : undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) return this.add(i, field, `must be a finite number, got ${shown(v)}`);
    if (opts.integer && !Number.isInteger(v)) return this.add(i, field, "must be an integer");
    if (opts.min !== undefined && v < opts.min) return this.add(i, field, `must be at least ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) return this.add(i, field, `must be at most ${opts.max}`);
    return v;
  }

  timestamp(i: number, r: Record<string, unknown>, field: string): number | undefined {
    const v = r[field];
    if (v === undefined || v === null) return this.add(i, field, "is required");
    const parsed = parseTimestamp(v, this.now);
    return typeof parsed === "string" ? this.add(i, field, parsed) : parsed;
  }

  /** Throws the collected errors as one 422, so no part of a bad batch is stored. */
  throwIfAny(what: string, count: number): void {
    if (this.errors.length === 0) return;
    const first = this.errors[0]!;
    const more = this.errors.length > 1 ? ` (and ${this.errors.length >= MAX_ERRORS ? "more" : this.errors.length - 1} more)` : "";
    throw new AppError("VALIDATION_FAILED", `Nothing of the ${count} ${what} was stored: ${first.path} ${first.message}${more}.`, this.errors);
  }
}
