import { GateConnectionError, type GateClient, type PreDeployAnswer } from "./gate-client.ts";

export interface PreDeployOptions {
  service: string;
  environment: string;
  json: boolean;
  /** Keep asking until pass or this deadline (epoch ms); without it, ask once. */
  deadline?: number | undefined;
  intervalMs: number;
}

/** `gate --pre-deploy`: exit 0 when a deploy may start, 2 while the service is already unhealthy, 3 on a connection error. */
export async function preDeployGate(client: GateClient, o: PreDeployOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let failures = 0;
  for (;;) {
    let answer: PreDeployAnswer | undefined;
    try {
      answer = await client.preDeploy(o.service, o.environment);
      failures = 0;
    } catch (e) {
      if (!(e instanceof GateConnectionError) || !e.retryable || ++failures >= 3) {
        err.write(`deploy-guard gate: ${(e as Error).message}\n`);
        return 3;
      }
    }
    if (answer && (answer.status === "pass" || o.deadline === undefined || Date.now() + o.intervalMs > o.deadline)) {
      if (o.json) out.write(`${JSON.stringify(answer, null, 2)}\n`);
      else {
        out.write(`${answer.status.toUpperCase()}: ${answer.reason}\n`);
        for (const c of answer.checks) out.write(`  ${c.status.padEnd(10)} ${c.signal ?? c.check}: ${c.reason}\n`);
      }
      return answer.status === "pass" ? 0 : 2;
    }
    if (answer) err.write(`[${new Date().toISOString().slice(11, 19)}] hold — ${answer.reason}\n`);
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
}
