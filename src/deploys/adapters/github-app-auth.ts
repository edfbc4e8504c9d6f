import { createAppAuth } from "@octokit/auth-app";
import { request } from "@octokit/request";
import type { Config, GithubAppConfig } from "../../config.ts";
import { DeliveryError } from "../../notify/notifier.ts";

/** Where GithubApi gets its bearer token: a fixed one, or one minted from a GitHub App's credentials. */
export interface GithubTokenSource {
  token(): Promise<string>;
  /** A new token after GitHub refused the current one; undefined when there is nothing to renew. */
  renew(): Promise<string> | undefined;
}

export function staticToken(token: string): GithubTokenSource {
  return { token: async () => token, renew: () => undefined };
}

/** A token that expires within this margin is replaced before use, so no call goes out with one about to lapse. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * Installation tokens from @octokit/auth-app: it signs the App's JWT, caches the token and shares one mint between
 * concurrent callers. Its cache keeps a token 59 minutes whatever GitHub says, so expires_at is checked here too.
 */
export class GithubAppTokens implements GithubTokenSource {
  private readonly auth: ReturnType<typeof createAppAuth>;
  private readonly host: string;

  constructor(apiUrl: string, app: GithubAppConfig, timeoutMs = 10_000, private readonly now: () => number = Date.now) {
    this.host = new URL(apiUrl).host;
    const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    this.auth = createAppAuth({
      appId: app.appId,
      privateKey: app.privateKey,
      installationId: app.installationId,
      request: request.defaults({ baseUrl: apiUrl.replace(/\/+$/, ""), headers: { "user-agent": "deploy-guard" }, request: { fetch: timedFetch } }),
      log: { warn: () => undefined },
    });
  }

  async token(): Promise<string> {
    const current = await this.mint(false);
    if (Date.parse(current.expiresAt) - this.now() > RENEW_BEFORE_EXPIRY_MS) return current.token;
    return (await this.mint(true)).token;
  }

  renew(): Promise<string> {
    return this.mint(true).then((a) => a.token);
  }

  /** GitHub's refusal names the cause (bad JWT, unknown installation); the key and the JWT never reach the message. */
  private async mint(refresh: boolean): Promise<{ token: string; expiresAt: string }> {
    try {
      const a = await this.auth({ type: "installation", refresh });
      return { token: a.token, expiresAt: a.expiresAt };
    } catch (err) {
      const { status, response } = err as { status?: unknown; response?: { data?: { message?: unknown } } };
      if (typeof status !== "number") throw new DeliveryError(`could not sign the GitHub App's token request: ${(err as Error).message}`, false);
      if (!response) throw new DeliveryError(`could not reach ${this.host} to mint a GitHub App installation token: ${(err as Error).message}`, true);
      const message = typeof response.data?.message === "string" ? `: ${response.data.message.slice(0, 200)}` : "";
      const hint = status === 401 ? " (check DEPLOY_GUARD_GITHUB_APP_ID and DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY)"
        : status === 404 ? " (check DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID)" : "";
      throw new DeliveryError(`${this.host} refused to mint a GitHub App installation token, ${status}${message}${hint}`, status >= 500 || status === 429);
    }
  }
}

export function githubTokenSource(config: Pick<Config, "githubToken" | "githubApp" | "githubApiUrl">): GithubTokenSource | undefined {
  if (config.githubApp) return new GithubAppTokens(config.githubApiUrl, config.githubApp);
  return config.githubToken ? staticToken(config.githubToken) : undefined;
}
