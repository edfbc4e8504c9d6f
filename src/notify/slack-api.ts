import { DeliveryError, post } from "./notifier.ts";

/** Slack answers these when trying again later can help; every other error (invalid_auth, channel_not_found…) cannot. */
const RETRYABLE = new Set(["ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

export class SlackApiError extends DeliveryError {
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`Slack ${method} failed: ${code}`, RETRYABLE.has(code));
  }
}

/**
 * The few Web API methods deploy-guard needs, with the bot token as a bearer header. Slack answers HTTP 200 with
 * {ok: false, error} for most failures, so the body decides, not the status.
 */
export class SlackApi {
  constructor(
    private readonly baseUrl: string,
    private readonly botToken: string,
    private readonly timeoutMs = 5000,
  ) {}

  async call(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await post(`${this.baseUrl.replace(/\/$/, "")}/${method}`, JSON.stringify(args), {
      authorization: `Bearer ${this.botToken}`, "content-type": "application/json; charset=utf-8",
    }, this.timeoutMs);
    if (res.status === 429 || res.status >= 500) throw new DeliveryError(`Slack ${method} answered ${res.status}`, true);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new DeliveryError(`Slack ${method} answered ${res.status} without JSON`, res.status >= 200 && res.status < 300);
    }
    const answer = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    if (answer.ok !== true) throw new SlackApiError(method, typeof answer.error === "string" ? answer.error : `http_${res.status}`);
    return answer;
  }
}
