import { generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { startReceiver, type Answer, type Receiver } from "../../notify/local-receiver.ts";

export const APP_ID = 424242;
export const INSTALLATION_ID = 98765;

/** An RSA key pair as GitHub hands an App's key out: PKCS#1 PEM. */
export function appKeyPair(): { privatePem: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privatePem: String(privateKey.export({ type: "pkcs1", format: "pem" })), publicKey };
}

export interface FakeGithubApp {
  url: string;
  receiver: Receiver;
  /** Installation tokens handed out, in order. */
  minted: string[];
  /** The JWT claims of every accepted mint request. */
  claims: Array<{ iss: unknown; iat: number; exp: number }>;
  /** Calls other than minting, with the token each carried and the status it got. */
  calls: Array<{ path: string; token: string; status: number }>;
  revoke: (token: string) => void;
  /** From now on, every call but minting is answered 401 whatever its token. */
  refuseEveryCall: () => void;
  close: () => Promise<void>;
}

const json = (status: number, body: unknown): Answer => ({ status, body });

/**
 * GitHub's side of an App: POST /app/installations/{id}/access_tokens checks the App's JWT (RS256 with the App's
 * public key, iss = the App id, iat/exp as GitHub requires) and hands out tokens expiring `lifetimeMs` after
 * `now()`; every other POST needs a live token and answers 201, or 401 when the token is unknown, revoked or expired.
 */
export async function startFakeGithubApp(publicKey: KeyObject, now: () => number, lifetimeMs = 3_600_000): Promise<FakeGithubApp> {
  const live = new Map<string, number>();
  let refuseAll = false;
  const fake = { minted: [] as string[], claims: [] as FakeGithubApp["claims"], calls: [] as FakeGithubApp["calls"] };
  const receiver = await startReceiver((r) => {
    const bearer = /^bearer (.+)$/i.exec(r.headers.authorization ?? "")?.[1] ?? "";
    const mint = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(r.path);
    if (mint) {
      const refusal = checkJwt(bearer, publicKey);
      if (refusal) return json(401, { message: refusal, documentation_url: "https://docs.github.com/rest" });
      if (Number(mint[1]) !== INSTALLATION_ID) return json(404, { message: "Not Found" });
      const token = `ghs_fake${String(fake.minted.length + 1).padStart(3, "0")}${"x".repeat(28)}`;
      live.set(token, now() + lifetimeMs);
      fake.minted.push(token);
      fake.claims.push(JSON.parse(Buffer.from(bearer.split(".")[1]!, "base64url").toString()));
      return json(201, { token, expires_at: new Date(now() + lifetimeMs).toISOString(), permissions: { deployments: "write" }, repository_selection: "all" });
    }
    const expires = live.get(bearer);
    const status = !refuseAll && expires !== undefined && expires > now() ? 201 : 401;
    fake.calls.push({ path: r.path, token: bearer, status });
    return status === 201 ? json(201, { id: fake.calls.length }) : json(401, { message: "Bad credentials" });
  });
  return { ...fake, url: receiver.url, receiver, revoke: (token) => void live.delete(token), refuseEveryCall: () => void (refuseAll = true), close: () => receiver.close() };
}

/** Why GitHub would refuse this JWT, or undefined when it is good (checked against the real clock, as GitHub's). */
function checkJwt(jwt: string, publicKey: KeyObject): string | undefined {
  const [header, payload, signature] = jwt.split(".");
  if (!header || !payload || !signature) return "A JSON web token could not be decoded";
  const h = JSON.parse(Buffer.from(header, "base64url").toString()) as { alg?: string };
  if (h.alg !== "RS256") return "A JSON web token could not be decoded";
  if (!verify("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"))) {
    return "A JSON web token could not be decoded";
  }
  const c = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss?: unknown; iat?: number; exp?: number };
  const nowS = Date.now() / 1000;
  if (String(c.iss) !== String(APP_ID)) return "Integration not found";
  if (typeof c.iat !== "number" || c.iat > nowS + 60) return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
  if (typeof c.exp !== "number" || c.exp <= nowS || c.exp - c.iat > 660) return "'Expiration time' claim ('exp') is too far in the future";
  return undefined;
}
