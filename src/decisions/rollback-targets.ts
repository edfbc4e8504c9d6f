import { spawn } from "node:child_process";
import { signBody } from "../notify/webhook-notifier.ts";
import type { RollbackPayload } from "./rollback-payload.ts";

/** One attempt's outcome as recorded in the audit log; `detail` never holds the webhook URL, only its host. */
export interface AttemptOutcome {
  ok: boolean;
  retryable: boolean;
  detail: string;
  http_status?: number;
  exit_code?: number | null;
  signal?: string | null;
  output_tail?: string;
}

const TAIL_CHARS = 4000;

/** POSTs the payload signed as the alert webhook is (`t=…,v1=…` over "t.body"); 5xx, 429 and network errors may be retried. */
export async function postRollbackWebhook(url: string, secret: string, payload: RollbackPayload, attempt: number, timeoutMs: number, now: number): Promise<AttemptOutcome> {
  const host = new URL(url).host;
  const body = JSON.stringify({ ...payload, attempt });
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-deploy-guard-event": "rollback",
        "x-deploy-guard-signature": signBody(secret, body, Math.floor(now / 1000)),
        "idempotency-key": `rollback-${payload.release_id}`,
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const why = (err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    return { ok: false, retryable: true, detail: `could not reach ${host}: ${why}` };
  }
  const text = await res.text().catch(() => "");
  const tail = text.slice(-500);
  if (res.ok) return { ok: true, retryable: false, detail: `${host} answered ${res.status}`, http_status: res.status, output_tail: tail };
  return { ok: false, retryable: res.status >= 500 || res.status === 429, detail: `${host} answered ${res.status}`, http_status: res.status, output_tail: tail };
}

/**
 * Runs argv without a shell in its own process group, so a timeout kills the command and everything it started;
 * keeps the exit code and the last few thousand characters of stdout and stderr.
 */
export function runRollbackCommand(argv: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<AttemptOutcome> {
  const [program, ...args] = argv;
  return new Promise((resolve) => {
    let tail = "";
    let timedOut = false;
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, output_tail: tail.slice(-TAIL_CHARS) });
    };
    const child = spawn(program!, args, { env, shell: false, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (d: Buffer) => (tail = (tail + d.toString("utf8")).slice(-TAIL_CHARS));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      // A grandchild that left the group could hold the pipes open; do not wait for it.
      setTimeout(() => finish({ ok: false, retryable: true, detail: `killed after ${timeoutMs / 1000} s`, exit_code: null, signal: "SIGKILL" }), 2000).unref();
    }, timeoutMs);
    child.on("error", (err: NodeJS.ErrnoException) => finish({ ok: false, retryable: false, detail: `could not start '${program}': ${err.code ?? err.message}`, exit_code: null }));
    child.on("close", (code, signal) => {
      if (timedOut) return finish({ ok: false, retryable: true, detail: `killed after ${timeoutMs / 1000} s`, exit_code: code, signal });
      if (code === 0) return finish({ ok: true, retryable: false, detail: "exited with 0", exit_code: 0, signal: null });
      finish({ ok: false, retryable: true, detail: signal ? `ended by ${signal}` : `exited with ${code}`, exit_code: code, signal });
    });
  });
}
