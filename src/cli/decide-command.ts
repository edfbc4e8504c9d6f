import { parseArgs } from "node:util";
import { cliEnv } from "../config.ts";
import { GateConnectionError } from "./gate-client.ts";

/** 0 decided, 1 refused by deploy-guard (it says why), 3 usage or connection error: the gate command's conventions. */
export const DECIDE_EXIT = { decided: 0, refused: 1, usage: 3 } as const;

const ACTIONS = ["approve", "hold", "rollback", "retry", "skip", "mark-wrong"] as const;
const FEEDBACK = ["false_fail", "missed_regression"] as const;

const USAGE = "usage: deploy-guard decide --release ID --action approve|hold|rollback|retry|skip|mark-wrong --reason \"…\"\n" +
  "       [--batch K] [--signal S] [--feedback false_fail|missed_regression] [--url U] [--token T] [--json]\n" +
  "  URL and token default to DEPLOY_GUARD_URL and DEPLOY_GUARD_TOKEN (a token with the operator scope).";

interface DecisionAnswer {
  decision: { action: string; actor: string; at: string };
  verdict: { status: string; summary: string };
  rollback: { status: string; message: string } | null;
}

/** Records an operator's decision through the API, audited as made from the CLI. */
export async function decideCommand(args: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const usage = (message: string) => {
    err.write(`${message}\n${USAGE}\n`);
    return DECIDE_EXIT.usage;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args, strict: true,
      options: {
        url: { type: "string" }, token: { type: "string" }, release: { type: "string" }, action: { type: "string" }, reason: { type: "string" },
        batch: { type: "string" }, signal: { type: "string" }, feedback: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.help) {
    out.write(`${USAGE}\n`);
    return DECIDE_EXIT.decided;
  }
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
