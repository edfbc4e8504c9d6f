import { RuleSchema, type Rule } from "./rule-schema.ts";

/** Used when no rule in the rules folder matches a service: the same judgement as the shipped rules/default.yaml. */
export const DEFAULT_RULE: Rule = RuleSchema.parse({
  name: "builtin-default",
  signals: [
    { name: "error_rate", kind: "error_rate", fail: { relative: 0.5, absolute: 0.001 }, warn: { relative: 0.25, absolute: 0.0005 },
      detect: { relative: 1.0, absolute: 0.001 }, min_samples: 200, weight: 2, critical: true },
    { name: "latency", kind: "latency", fail: { relative: 0.2, absolute: 10 }, warn: { relative: 0.1, absolute: 5 },
      detect: { relative: 0.5, absolute: 0 }, min_samples: 200, critical: true },
  ],
  actions: { notify: ["slack", "webhook", "hipchat"], notify_on: ["warn", "fail", "hold"] },
});
