import { parseArgs } from "node:util";
import { cliEnv } from "../config.ts";
import { parseDuration } from "./duration.ts";
import { GateClient, GateConnectionError, type GateVerdict } from "./gate-client.ts";
import { preDeployGate } from "./pre-deploy-gate.ts";

export const EXIT = { pass: 0, fail: 1, hold: 2, usage: 3 } as const;
const DEFAULT_TIMEOUT = "4h30m";

const USAGE = "usage: deploy-guard gate --url U --token T (--release ID | --service S --version V [--environment E]) [--batch K] [--timeout 4h30m] [--interval 10s] [--json]\n" +
  "       deploy-guard gate --pre-deploy --url U --token T --service S [--environment E] [--timeout 10m] [--json]";

function usage(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return EXIT.usage;
}

/**
 * Waits for a release's verdict and turns it into an exit code, so any script can block its pipeline:
 * 0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error.
 */
export async function gateCommand(args: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        url: { type: "string" }, token: { type: "string" }, release: { type: "string" }, service: { type: "string" },
        version: { type: "string" }, environment: { type: "string" }, timeout: { type: "string" }, interval: { type: "string" },
        json: { type: "boolean" }, batch: { type: "string" }, "pre-deploy": { type: "boolean" },
      },
    }));
  } catch (e) {
    return usage((e as Error).message);
  }
  const env = cliEnv();
  const url = values.url ?? env.url;
  const token = values.token ?? env.token;
  if (!url) return usage("--url is required (or DEPLOY_GUARD_URL).");
  if (values["pre-deploy"]) {
    if (!values.service) return usage("--pre-deploy needs --service.");
    if (values.release || values.version || values.batch) return usage("--pre-deploy asks about the service, not a release: drop --release, --version and --batch.");
    const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
    const intervalMs = parseDuration(values.interval ?? "10s");
    if (values.timeout !== undefined && timeoutMs === undefined) return usage(`--timeout '${values.timeout}' is not a duration such as 10m or 90s.`);
    if (intervalMs === undefined || intervalMs < 100) return usage(`--interval '${values.interval}' is not a duration of at least 100ms.`);
    const options = { service: values.service, environment: values.environment ?? "production", json: values.json === true, intervalMs };
    return preDeployGate(new GateClient(url, token), { ...options, deadline: timeoutMs === undefined ? undefined : Date.now() + timeoutMs }, out, err);
  }
  if (!values.release && !(values.service && values.version)) return usage("Give --release ID, or --service and --version.");
  // Sequential verdicts take up to 4 hours at the lowest traffic (hold only at the maximum), plus the ingest grace.
  const timeoutMs = parseDuration(values.timeout ?? DEFAULT_TIMEOUT);
  const intervalMs = parseDuration(values.interval ?? "10s");
  if (timeoutMs === undefined) return usage(`--timeout '${values.timeout}' is not a duration such as 30m or 90s.`);
  if (intervalMs === undefined || intervalMs < 100) return usage(`--interval '${values.interval}' is not a duration of at least 100ms.`);

  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1)) return usage(`--batch '${values.batch}' is not a batch number (1, 2, …).`);
  const client = new GateClient(url, token);
  const deadline = Date.now() + timeoutMs;
  const target = { release: values.release, service: values.service, version: values.version, environment: values.environment ?? "production", batch };
  let last = "";
  let failures = 0;
  for (;;) {
    let verdict: GateVerdict | undefined;
    try {
      verdict = await client.verdict(target);
      failures = 0;
    } catch (e) {
      if (!(e instanceof GateConnectionError) || !e.retryable || ++failures >= 3) {
        err.write(`deploy-guard gate: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
    }
    const what = `${batch ? `batch ${batch} of ` : ""}release ${target.release ?? `${target.service} ${target.version} (${target.environment})`}`;
    const line = verdict ? progress(verdict) : `waiting for ${what} to be reported`;
    if (line !== last) err.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
    last = line;
    if (verdict && verdict.final) return finish(verdict, values.json === true, out);
    if (Date.now() + intervalMs > deadline) {
      err.write(`deploy-guard gate: no final verdict within ${values.timeout ?? DEFAULT_TIMEOUT}; treating as hold.\n`);
      return EXIT.hold;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function progress(v: GateVerdict): string {
  const score = v.score === null ? "" : `, score ${v.score}`;
  const due = !v.final && v.decide_by ? ` (decision by ${v.decide_by.slice(11, 16)} UTC at the latest)` : "";
  return `${v.status}${score} — ${v.summary}${due}`;
}

function finish(v: GateVerdict, json: boolean, out: NodeJS.WritableStream): number {
  if (json) out.write(`${JSON.stringify(v, null, 2)}\n`);
  else {
    out.write(`${v.status.toUpperCase()}: ${v.summary}\n`);
    for (const c of v.checks) out.write(`  ${c.status.padEnd(6)} ${c.signal}: ${c.reason}\n`);
  }
  if (v.status === "pass" || v.status === "warn") return EXIT.pass;
  if (v.status === "fail") return EXIT.fail;
  return EXIT.hold;
}
