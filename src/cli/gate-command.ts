import { cliEnv } from "../config.ts";
import { command, parseCommandLine, usageError, type CliIo } from "./cli-parser.ts";
import { parseDuration } from "./duration.ts";
import { GateClient, GateConnectionError, type GateVerdict } from "./gate-client.ts";
import { clockTime, defaultDeadline, progressLine } from "./gate-progress.ts";
import { preDeployGate } from "./pre-deploy-gate.ts";

export const EXIT = { pass: 0, fail: 1, hold: 2, usage: 3 } as const;
/** Even an unchanged line is repeated this often, so a pipeline log never looks stuck. */
const QUIET_MAX_MS = 60_000;
/** The default wait when a server too old to say how long its window is answers: the default rule's 4 hours, plus margin. */
const FALLBACK_MS = 4.5 * 3_600_000;

interface GateOptions {
  url?: string; token?: string; release?: string; service?: string; version?: string; environment: string;
  timeout?: string; interval: string; json?: boolean; batch?: string; preDeploy?: boolean;
}

function gateCli() {
  return command("gate", "Wait for a release's verdict and exit with it, so any pipeline can block on it:\n" +
    "exit 0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error.\n" +
    "With --pre-deploy: may a deploy start now? exit 0 go, 2 hold (the service is already unhealthy), 3 usage or connection error.")
    .usage("--url U --token T (--release ID | --service S --version V [--environment E]) [--batch K] [--timeout 4h10m] [--interval 10s] [--json]\n" +
      "       deploy-guard gate --pre-deploy --url U --token T --service S [--environment E] [--timeout 10m] [--json]")
    .option("--url <url>", "deploy-guard's base URL (default DEPLOY_GUARD_URL)")
    .option("--token <token>", "a read-scoped API token (default DEPLOY_GUARD_TOKEN, which keeps it out of process lists)")
    .option("--release <id>", "the release to wait for")
    .option("--service <name>", "the service deployed (with --version)")
    .option("--version <version>", "the version deployed")
    .option("--environment <name>", "the environment deployed to", "production")
    .option("--batch <k>", "wait for batch k of a rolling deploy instead of the whole release")
    .option("--timeout <duration>", "give up (exit 2) after this long, e.g. 45m; default: until the rule's longest window ends, as the server says, plus 10 minutes")
    .option("--interval <duration>", "how often to ask", "10s")
    .option("--json", "print the final verdict as JSON")
    .option("--pre-deploy", "ask whether a deploy of --service may start now, instead of waiting for a release");
}

/**
 * Waits for a release's verdict and turns it into an exit code, so any script can block its pipeline:
 * 0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error.
 */
export async function gateCommand(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const io: CliIo = { out, err };
  const cmd = gateCli();
  const parsed = parseCommandLine(cmd, args, io);
  if (typeof parsed === "number") return parsed;
  const values = parsed.opts as unknown as GateOptions;
  const usage = (message: string) => usageError(cmd, io, message);
  const env = cliEnv();
  const url = values.url ?? env.url;
  const token = values.token ?? env.token;
  if (!url) return usage("--url is required (or DEPLOY_GUARD_URL).");
  const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
  const intervalMs = parseDuration(values.interval);
  if (values.timeout !== undefined && timeoutMs === undefined) return usage(`--timeout '${values.timeout}' is not a duration such as 45m or 90s.`);
  if (intervalMs === undefined || intervalMs < 100) return usage(`--interval '${values.interval}' is not a duration of at least 100ms.`);
  if (values.preDeploy) {
    if (!values.service) return usage("--pre-deploy needs --service.");
    if (values.release || values.version || values.batch) return usage("--pre-deploy asks about the service, not a release: drop --release, --version and --batch.");
    const options = { service: values.service, environment: values.environment, json: values.json === true, intervalMs };
    return preDeployGate(new GateClient(url, token), { ...options, deadline: timeoutMs === undefined ? undefined : Date.now() + timeoutMs }, out, err);
  }
  if (values.release && (values.service || values.version)) return usage("Give --release ID, or --service and --version, not both.");
  if (!values.release && !(values.service && values.version)) return usage("Give --release ID, or --service and --version.");
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1)) return usage(`--batch '${values.batch}' is not a batch number (1, 2, …).`);
  const target = { release: values.release, service: values.service, version: values.version, environment: values.environment, batch };
  return waitForVerdict(new GateClient(url, token), target, { timeoutMs, intervalMs, json: values.json === true, timeoutText: values.timeout }, io);
}

interface WaitOptions {
  timeoutMs: number | undefined;
  timeoutText: string | undefined;
  intervalMs: number;
  json: boolean;
}

async function waitForVerdict(client: GateClient, target: Parameters<GateClient["release"]>[0] & { batch?: number | undefined }, o: WaitOptions, io: CliIo): Promise<number> {
  const what = `release ${target.release ?? `${target.service} ${target.version} (${target.environment})`}`;
  const stamp = () => `[${new Date().toISOString().slice(11, 19)}]`;
  // --timeout counts on this machine's clock; the default, on the server's (the clock the window is measured by).
  const fixed = o.timeoutMs === undefined ? undefined : Date.now() + o.timeoutMs;
  let byServer: { at: number; why: string } | undefined;
  let firstNow: number | undefined;
  let last = "", lastAt = 0, saidDeadline = "";
  let failures = 0;
  for (;;) {
    let release: GateVerdict | undefined, verdict: GateVerdict | undefined;
    try {
      release = await client.release(target);
      verdict = target.batch === undefined ? release : release.release_id === null ? undefined : await client.batch(release.release_id, target.batch);
      failures = 0;
    } catch (e) {
      if (!(e instanceof GateConnectionError) || !e.retryable || ++failures >= 3) {
        io.err.write(`deploy-guard gate: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
    }
    const serverNow = release?.timing ? Date.parse(release.timing.now) : Date.now();
    firstNow ??= serverNow;
    if (release && fixed === undefined) {
      // Asked again on every poll: the window's end is known only once the deploy has finished.
      byServer = release.timing ? defaultDeadline(release.timing, firstNow) : { at: firstNow + FALLBACK_MS, why: "4h30m: the server did not say how long its window is" };
      const said = `waiting until ${clockTime(byServer.at)} at the most: ${byServer.why}`;
      if (said !== saidDeadline) io.err.write(`${stamp()} ${said}\n`);
      saidDeadline = said;
    }
    if (release) {
      const line = progressLine(release, what, target.batch === undefined ? undefined : { index: target.batch, verdict });
      if (line !== last || Date.now() - lastAt >= QUIET_MAX_MS) {
        io.err.write(`${stamp()} ${line}\n`);
        last = line;
        lastAt = Date.now();
      }
    }
    if (verdict && verdict.final) return finish(verdict, o.json, io.out);
    const late = fixed !== undefined ? Date.now() + o.intervalMs > fixed : byServer !== undefined && release !== undefined && serverNow + o.intervalMs > byServer.at;
    if (late) {
      const by = fixed !== undefined ? `within --timeout ${o.timeoutText}` : `by ${clockTime(byServer!.at)} (${byServer!.why})`;
      io.err.write(`deploy-guard gate: no final verdict ${by}; treating as hold.\n`);
      return EXIT.hold;
    }
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
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
