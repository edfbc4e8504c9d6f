import { startServer, type ServerProcess } from "../../test/support/server-process.ts";
import { BenchClient } from "../http-client.ts";

export const TOKEN = "bench-admin-token-0123456789";

/** N real server processes on one database, and a client that spreads requests over them as a load balancer would. */
export class ReplicaSet {
  private next = 0;
  private readonly down = new Set<number>();

  private constructor(readonly servers: ServerProcess[], private readonly clients: BenchClient[]) {}

  static async start(n: number, env: Record<string, string>): Promise<ReplicaSet> {
    // Started together on purpose: the first start migrates the database under its advisory lock, the others wait.
    const servers = await Promise.all(Array.from({ length: n }, () => startServer({ DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_LOG_LEVEL: "warn", ...env })));
    return new ReplicaSet(servers, servers.map((s) => new BenchClient(s.url, { authorization: `Bearer ${TOKEN}` })));
  }

  /** Round robin over the live replicas; a replica that refuses the connection is marked down and the next one asked. */
  async send(method: string, path: string, body?: string, contentType?: string): Promise<{ status: number; body: string }> {
    for (let tries = 0; tries < this.clients.length * 2; tries++) {
      const i = this.next++ % this.clients.length;
      if (this.down.has(i)) continue;
      try {
        return await this.clients[i]!.send(method, path, body, contentType);
      } catch {
        this.down.add(i);
      }
    }
    throw new Error("no replica answered");
  }

  /** SIGKILL one replica: no shutdown of any kind; the balancer stops sending to it. */
  async kill(i: number): Promise<void> {
    this.down.add(i);
    await this.servers[i]!.kill();
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await Promise.all(this.servers.map((s, i) => (this.down.has(i) ? undefined : s.stop())));
  }
}
