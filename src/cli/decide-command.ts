import type { Command } from "commander";
import { cliEnv } from "../config.ts";
import { command, parseCommandLine, usageError } from "./cli-parser.ts";
import { GateConnectionError } from "./gate-client.ts";

/** 0 decided, 1 refused by deploy-guard (it says why), 3 usage or connection error: the gate command's conventions. */
export const DECIDE_EXIT = { decided: 0, refused: 1, usage: 3 } as const;

const ACTIONS = ["approve", "hold", "rollback", "retry", "skip", "mark-wrong"] as const;
const FEEDBACK = ["false_fail", "missed_regression"] as const;

const USAGE = "--release ID --action approve|hold|rollback|retry|skip|mark-wrong --reason \"…\" [--batch K] [--signal S] [--feedback false_fail|missed_regression] [--url U] [--token T] [--json]";

interface DecisionAnswer {
  decision: { action: string; actor: string; at: string };
  verdict: { status: string; summary: string };
  rollback: { status: string; message: string } | null;
}

interface DecideOptions {
  url?: string; token?: string; release?: string; action?: string; reason?: string; batch?: string; signal?: string; feedback?: string; json?: boolean;
}

function decideCli(): Command {
  return command("decide", "Record an operator's decision on a release through the API, audited as made via cli: exit 0 decided, 1 refused by deploy-guard (it says why), 3 usage or connection error.")
    .usage(USAGE)
    .option("--release <id>", "the release to decide on")
    .option("--action <action>", `one of ${ACTIONS.join(", ")}`)
    .option("--reason <text>", "why; required, it goes into the audit log")
    .option("--batch <k>", "decide on batch k of a rolling deploy only")
    .option("--signal <name>", "skip: the signal to set aside for this release")
    .option("--feedback <kind>", `mark-wrong: ${FEEDBACK.join(" or ")}`)
    .option("--url <url>", "deploy-guard's base URL (default DEPLOY_GUARD_URL)")
    .option("--token <token>", "an operator-scoped API token (default DEPLOY_GUARD_TOKEN)")
    .option("--json", "print the answer as JSON");
}

/** Records an operator's decision through the API, audited as made from the CLI. */
export async function decideCommand(args: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const cmd = decideCli();
  const parsed = parseCommandLine(cmd, args, { out, err });
  if (typeof parsed === "number") return parsed;
  const values = parsed.opts as DecideOptions;
  const usage = (message: string) => usageError(cmd, { out, err }, message);
  const env = cliEnv();
  const url = values.url ?? env.url;
  if (!url) return usage("--url is required (or DEPLOY_GUARD_URL).");
  if (!values.release) return usage("--release is required.");
  const action = ACTIONS.find((a) => a === values.action);
  if (!action) return usage(`--action must be one of ${ACTIONS.join(", ")}.`);
  if (!values.reason?.trim()) return usage("--reason is required: it goes into the audit log.");
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1)) return usage(`--batch '${values.batch}' is not a batch number (1, 2, …).`);
  if (values.feedback !== undefined && !FEEDBACK.some((f) => f === values.feedback)) return usage(`--feedback must be one of ${FEEDBACK.join(", ")}.`);
  const body = {
    action: action === "mark-wrong" ? "mark_wrong" : action, reason: values.reason, via: "cli",
    ...(batch !== undefined ? { batch } : {}), ...(values.signal !== undefined ? { signal: values.signal } : {}),
    ...(values.feedback !== undefined ? { feedback: values.feedback } : {}),
  };
  let answer: DecisionAnswer;
  try {
    answer = await postDecision(url, values.token ?? env.token, values.release, body);
  } catch (e) {
    err.write(`deploy-guard decide: ${(e as Error).message}\n`);
    return e instanceof Refused ? DECIDE_EXIT.refused : DECIDE_EXIT.usage;
  }
  if (values.json) out.write(`${JSON.stringify(answer, null, 2)}\n`);
  else {
    out.write(`${answer.decision.action} recorded for ${values.release} by ${answer.decision.actor} at ${answer.decision.at}.\n`);
    out.write(`The gate now answers ${answer.verdict.status.toUpperCase()}: ${answer.verdict.summary}\n`);
    if (answer.rollback) out.write(`Rollback: ${answer.rollback.message}\n`);
  }
  return DECIDE_EXIT.decided;
}

class Refused extends Error {}

async function postDecision(baseUrl: string, token: string | undefined, release: string, body: unknown): Promise<DecisionAnswer> {
  let url: URL;
  try {
    url = new URL(`/api/v1/releases/${encodeURIComponent(release)}/decision`, baseUrl);
  } catch {
    throw new GateConnectionError(`'${baseUrl}' is not a URL`, false);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(15_000),
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  } catch (e) {
    const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    throw new GateConnectionError(`cannot reach ${url.origin}: ${cause}`, true);
  }
  const text = await res.text();
  if (res.ok) return JSON.parse(text) as DecisionAnswer;
  let detail = text.slice(0, 300);
  try {
    detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
  } catch { /* not JSON: show the start of the body */ }
  // A 4xx other than auth is deploy-guard refusing this decision; auth and 5xx are the caller's setup or the server.
  const refused = res.status === 404 || res.status === 409 || res.status === 422;
  throw refused ? new Refused(`${res.status}: ${detail}`) : new GateConnectionError(`${res.status} from ${url.pathname}: ${detail}`, res.status >= 500);
}
