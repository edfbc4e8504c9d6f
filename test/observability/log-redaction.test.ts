import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.ts";

/** The service's own logger writing to a buffer, one parsed object per line. */
function bufferedLogger() {
  const lines: string[] = [];
  const logger = createLogger({ logLevel: "debug" }, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join(""), parsed: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

const SECRETS = {
  bearer: "Bearer dg_live_bearer_0123456789abcdef",
  cookie: "dg_session=cookie-secret-0123456789",
  gitlab: "gitlab-webhook-token-0123456789",
  ddApi: "ddapikey0123456789abcdef01234567",
  ddApp: "ddappkey0123456789abcdef0123456789abcdef",
  token: "ghs_installation_token_0123456789",
  apiKey: "es-api-key-0123456789==",
  password: "es-password-0123456789",
  signing: "slack-signing-secret-0123456789",
  webhookSecret: "webhook-hmac-secret-0123456789",
  privateKey: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
  slackPath: "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
  pgPassword: "pg-password-0123456789",
};

describe("the logger's redaction of secrets in logged objects", () => {
  it("hides credentials in request headers, wherever a client keeps them", () => {
    const { logger, text, parsed } = bufferedLogger();
    const headers = { authorization: SECRETS.bearer, cookie: SECRETS.cookie, "x-gitlab-token": SECRETS.gitlab, "dd-api-key": SECRETS.ddApi, "dd-application-key": SECRETS.ddApp };
    logger.info({ req: { method: "POST", headers } }, "inbound");
    logger.info({ headers }, "outbound");
    const err = Object.assign(new Error("GitHub answered 502"), { request: { method: "POST", headers: { Authorization: SECRETS.bearer } } });
    logger.error({ err, release: "rel_1" }, "delivery failed");
    logger.error({ err: { meta: { meta: { request: { params: { headers: { authorization: SECRETS.bearer } } } } } } }, "elasticsearch failed");

    for (const value of [SECRETS.bearer, SECRETS.cookie, SECRETS.gitlab, SECRETS.ddApi, SECRETS.ddApp]) expect(text()).not.toContain(value);
    const [inbound, , failed] = parsed();
    expect(inbound!.req).toEqual({ method: "POST", headers: { authorization: "[redacted]", cookie: "[redacted]", "x-gitlab-token": "[redacted]", "dd-api-key": "[redacted]", "dd-application-key": "[redacted]" } });
    expect(failed).toMatchObject({ release: "rel_1", err: { message: "GitHub answered 502", request: { method: "POST", headers: { Authorization: "[redacted]" } } } });
  });

  it("hides tokens, keys, passwords and secrets at the top and nested two levels down (a config logged whole)", () => {
    const { logger, text, parsed } = bufferedLogger();
    logger.info({ token: SECRETS.token, service: "pay" }, "top");
    logger.info({ github: { token: SECRETS.token, privateKey: SECRETS.privateKey } }, "one down");
    logger.info({ config: { elasticsearch: { apiKey: SECRETS.apiKey, password: SECRETS.password }, slack: { signingSecret: SECRETS.signing, botToken: SECRETS.token }, webhook: { webhookSecret: SECRETS.webhookSecret } } }, "two down");

    for (const value of [SECRETS.token, SECRETS.apiKey, SECRETS.password, SECRETS.signing, SECRETS.webhookSecret, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"]) {
      expect(text()).not.toContain(value);
    }
    expect(parsed()[0]).toMatchObject({ token: "[redacted]", service: "pay", msg: "top" });
  });

  it("keeps a secret-bearing URL's host, so the line still says where, and drops its path, query and password", () => {
    const { logger, text, parsed } = bufferedLogger();
    logger.warn({ webhookUrl: `https://hooks.slack.com/services/${SECRETS.slackPath}` }, "slack failed");
    logger.warn({ store: { postgresUrl: `postgres://guard:${SECRETS.pgPassword}@db:5432/guard` } }, "store failed");

    expect(text()).not.toContain(SECRETS.slackPath);
    expect(text()).not.toContain(SECRETS.pgPassword);
    expect(parsed().map((l) => l.webhookUrl ?? l.store.postgresUrl)).toEqual(["https://hooks.slack.com/[redacted]", "postgres://db:5432/[redacted]"]);
  });
});
