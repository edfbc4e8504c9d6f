import { DeliveryError } from "../../notify/notifier.ts";
import { staticToken, type GithubTokenSource } from "./github-app-auth.ts";

export interface DeploymentStatusBody {
  state: "in_progress" | "pending" | "success" | "failure";
  description: string;
  environment: string;
  log_url?: string;
}

export interface ProtectionReviewBody {
  environment_name: string;
  state: "approved" | "rejected";
  comment: string;
}

/**
 * The two GitHub REST calls the guard makes, always to the configured API base: a callback URL from a webhook is used
 * only for its path, and only when it names that same host. The token is fixed or minted from a GitHub App.
 */
export class GithubApi {
  private readonly base: URL;
  private readonly tokens: GithubTokenSource;

  constructor(
    apiUrl: string,
    token: string | GithubTokenSource,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = new URL(apiUrl.replace(/\/+$/, "") + "/");
    this.tokens = typeof token === "string" ? staticToken(token) : token;
  }

  statusesUrl(owner: string, repo: string, deploymentId: number): string {
    return new URL(`repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/deployments/${deploymentId}/statuses`, this.base).href;
  }

  /** The callback URL rebuilt on the configured base, or undefined when it points anywhere else. */
  callbackUrl(received: string): string | undefined {
    let url: URL;
    try {
      url = new URL(received);
    } catch {
      return undefined;
    }
    if (url.origin !== this.base.origin || url.search || url.hash || url.username || url.password) return undefined;
    const rest = url.pathname.startsWith(this.base.pathname) ? url.pathname.slice(this.base.pathname.length) : undefined;
    if (!rest || !/^repos\/[\w.-]+\/[\w.-]+\/actions\/runs\/\d+\/deployment_protection_rule$/.test(rest)) return undefined;
    return new URL(rest, this.base).href;
  }

  postStatus(owner: string, repo: string, deploymentId: number, body: DeploymentStatusBody): Promise<void> {
    return this.post(this.statusesUrl(owner, repo, deploymentId), body);
  }

  reviewProtectionRule(callbackUrl: string, body: ProtectionReviewBody): Promise<void> {
    const url = this.callbackUrl(callbackUrl);
    if (!url) throw new DeliveryError("the callback URL is not on the configured GitHub API host", false);
    return this.post(url, body);
  }

  /**
   * A 401 with an App token gets one fresh token and one more try (GitHub may revoke a token before its expiry).
   * 5xx, 429, network errors and GitHub's rate-limit 403 are worth retrying; other 4xx are not.
   */
  private async post(url: string, body: object): Promise<void> {
    let res = await this.send(url, body, await this.tokens.token());
    const renewed = res.status === 401 ? this.tokens.renew() : undefined;
    if (renewed) {
      await res.body?.cancel();
      res = await this.send(url, body, await renewed);
    }
    const text = await res.text().catch(() => "");
    if (res.ok) return;
    const rateLimited = res.status === 403 && res.headers.get("x-ratelimit-remaining") === "0";
    const message = /"message"\s*:\s*"([^"]{1,200})"/.exec(text)?.[1];
    throw new DeliveryError(`${this.base.host} answered ${res.status}${message ? `: ${message}` : ""}`, res.status >= 500 || res.status === 429 || rateLimited);
  }

  private async send(url: string, body: object, token: string): Promise<Response> {
    try {
      return await fetch(url, {
        method: "POST",
        body: JSON.stringify(body),
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "user-agent": "deploy-guard",
          "x-github-api-version": "2022-11-28",
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new DeliveryError(`could not reach ${this.base.host}: ${(err as Error).message}`, true);
    }
  }
}
