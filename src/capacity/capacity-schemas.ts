import { z } from "@hono/zod-openapi";

const num = z.number();
const span = z.object({ start: z.string(), end: z.string() });

const CoefficientSchema = z.object({ name: z.string(), estimate: num, se: num, ci_low: num, ci_high: num, t: num, p_value: num });

export const LinearFitSchema = z
  .object({
    method: z.enum(["ols", "huber"]), n: z.number().int(), df: z.number().int(), confidence: num,
    coefficients: z.array(CoefficientSchema).describe("intercept first, then one per volume: resource per unit of volume per minute"),
    r2: num, adj_r2: num, residual_sd: num, rss: num, condition_number: num,
    vif: z.record(z.string(), num), warnings: z.array(z.string()), means: z.record(z.string(), num),
    robust: z.object({ iterations: z.number().int(), downweighted: z.number().int(), tuning: num }).optional(),
  })
  .openapi("CapacityFit");

export const HeadroomSchema = z
  .object({
    limit: num, mix: z.record(z.string(), num), cost_per_unit: num, peak_volume: num, resource_at_peak: num,
    volume_at_limit: num.nullable().describe("total volume per minute at which the resource reaches its limit, at today's mix"),
    volumes_at_limit: z.record(z.string(), num).nullable(), ratio: num.nullable(),
    growth_per_day: num.nullable(), days_to_limit: num.nullable(), reason: z.string(),
  })
  .openapi("CapacityHeadroom");

const ChangeSchema = z.object({
  name: z.string(), before: num, after: num, change: num, ci_low: num, ci_high: num,
  relative: num.nullable(), relative_ci_low: num.nullable(), relative_ci_high: num.nullable(), p_value: num,
});

const ModelSchema = z.object({
  rule: z.string(), resource: z.string(), limit: num, volumes: z.array(z.string()), interval_minutes: z.number().int(),
  fit_window_hours: z.number().int(), max_cost_rise: num, on_rise: z.enum(["warn", "fail"]), robust: z.boolean(),
});

const StatusSchema = z.enum(["pass", "warn", "fail", "nodata"]);

export const ReleaseCapacitySchema = z
  .object({
    release_id: z.string(), service: z.string(), environment: z.string(), version: z.string(),
    status: StatusSchema, reason: z.string(), complete: z.boolean(), model: ModelSchema,
    windows: z.object({ before: span, after: span }),
    before: LinearFitSchema.nullable(), after: LinearFitSchema.nullable(),
    changes: z.array(ChangeSchema), risen: z.array(z.string()),
    chow: z.object({ f: num, df1: num, df2: num, p_value: num }).nullable(),
    headroom: z.object({ before: HeadroomSchema.nullable(), after: HeadroomSchema.nullable(), moved: num.nullable() }),
    computed_at: z.string(),
  })
  .openapi("ReleaseCapacity");

const PointCoefficients = z.array(z.object({ name: z.string(), estimate: num, ci_low: num, ci_high: num }));

export const ServiceCapacitySchema = z
  .object({
    service: z.string(), environment: z.string(), model: ModelSchema, window: span,
    current: LinearFitSchema.nullable(), headroom: HeadroomSchema.nullable(), reason: z.string(),
    history: z.array(z.object({
      release_id: z.string(), version: z.string(), fitted_at: z.string(), status: StatusSchema, complete: z.boolean(),
      n: num.nullable(), r2: num.nullable(), coefficients: PointCoefficients, volume_at_limit: num.nullable(),
    })).describe("one point per release, oldest first: the after-side fit"),
    nightly: z.array(z.object({ fitted_at: z.string(), n: num, r2: num, coefficients: PointCoefficients, volume_at_limit: num.nullable() })),
  })
  .openapi("ServiceCapacity");
