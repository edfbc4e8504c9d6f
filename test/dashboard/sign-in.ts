import type { TestService } from "../support/test-service.ts";

/** Signs in through the real form, as a browser would, and returns the Cookie header that carries the session. */
export async function sessionCookie(svc: Pick<TestService, "app">, token: string): Promise<string> {
  const res = await svc.app.request("/login", {
    method: "POST", body: new URLSearchParams({ token }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" },
  });
  const id = res.headers.get("set-cookie")?.match(/^dg_session=([^;]+)/)?.[1];
  if (res.status !== 303 || !id) throw new Error(`sign-in failed with ${res.status}`);
  return `dg_session=${id}`;
}
