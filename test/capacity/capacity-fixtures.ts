import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Workload } from "./bank-workload.ts";

/** A rules folder with one rule for the bank's account service: a loose CPU signal and the capacity model. */
export function capacityRules(services = "accounts*"): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-capacity-rules-"));
  writeFileSync(join(dir, "accounts.yaml"), `name: accounts
match: { service: "${services}", environment: "*" }
baseline: { kind: before_deploy, minutes: 60, history_minutes: 0 }
analysis: { delay_minutes: 0, minutes: 30, interval_minutes: 5, early_fail_after: 2 }
signals:
  - name: cpu
    kind: metric
    metric: cpu_percent
    fail: { relative: 1.0 }
    warn: { relative: 0.5 }
    min_samples: 20
    no_data: pass
capacity:
  resource: { metric: cpu_percent, limit: 80 }
  volumes: [accounts_opened, accounts_closed]
  interval_minutes: 5
  fit_window_hours: 24
  after_window_minutes: 1440
  max_cost_rise: 0.2
  on_rise: warn
`);
  return dir;
}

/** The workload as metric samples, in request bodies of at most `chunk` samples. */
export function metricBodies(service: string, w: Workload, chunk = 10_000): { samples: object[] }[] {
  const samples: object[] = [];
  for (let i = 0; i < w.t.length; i++) {
    const timestamp = w.t[i]!;
    samples.push({ name: "accounts_opened", value: w.opened[i], timestamp, service, host: "app-1" });
    samples.push({ name: "accounts_closed", value: w.closed[i], timestamp, service, host: "app-1" });
    samples.push({ name: "cpu_percent", value: w.cpu[i], timestamp, service, host: "app-1" });
  }
  const out: { samples: object[] }[] = [];
  for (let i = 0; i < samples.length; i += chunk) out.push({ samples: samples.slice(i, i + chunk) });
  return out;
}
