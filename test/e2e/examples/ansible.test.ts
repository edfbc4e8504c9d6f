import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startServer, type ServerProcess } from "../../support/server-process.ts";
import { ADMIN, api, createToken, EXAMPLES, startGroup, toolMissing, waitForOutput, type Running } from "./example-processes.ts";

const ANSIBLE_DIR = join(EXAMPLES, "ansible");
const MINUTE = 60_000;
const missing = toolMissing("ansible-playbook");
if (missing) console.warn(`Ansible example: ${missing}`);

interface Fleet {
  service: string;
  inventory: string;
  readyAt: number;
  ports: number[];
}

let tmp: string;
let server: ServerProcess | undefined;
const started: Running[] = [];
let ingestToken: string;
let readToken: string;

async function startFleet(service: string): Promise<Fleet> {
  const fleet = startGroup(process.execPath, [join(ANSIBLE_DIR, "demo-service/fleet.mjs"), "--root", join(tmp, service), "--service", service, "--rps", "25"], {
    env: { PATH: process.env.PATH ?? "", DEPLOY_GUARD_URL: server!.url, DEPLOY_GUARD_TOKEN: ingestToken },
  });
  started.push(fleet);
  const inventory = (await waitForOutput(fleet, /fleet ready: (\S+)/))[1]!;
  const ports = [...fleet.output().matchAll(/listening on (\d+)/g)].map((m) => Number(m[1]));
  return { service, inventory, readyAt: Date.now(), ports };
}

async function playbook(fleet: Fleet, version: string): Promise<{ code: number | null; output: string }> {
  const run = startGroup("ansible-playbook", ["-i", fleet.inventory, "rolling-deploy.yml", "-e", `version=${version}`, "-e", "gate_timeout_seconds=300"], {
    cwd: ANSIBLE_DIR,
    env: {
      PATH: process.env.PATH ?? "", HOME: tmp, ANSIBLE_CONFIG: join(ANSIBLE_DIR, "ansible.cfg"), ANSIBLE_NOCOLOR: "1",
      ANSIBLE_LOCAL_TEMP: join(tmp, "ansible-local"), ANSIBLE_REMOTE_TEMP: join(tmp, "ansible-remote"),
      DEPLOY_GUARD_URL: server!.url, DEPLOY_GUARD_TOKEN: ingestToken, DEPLOY_GUARD_READ_TOKEN: readToken,
    },
  });
  started.push(run);
  return { code: await run.exited, output: run.output() };
}

async function versions(fleet: Fleet): Promise<string[]> {
  return Promise.all(fleet.ports.map(async (p) => ((await (await fetch(`http://127.0.0.1:${p}/version`)).json()) as { version: string }).version));
}

async function releaseOf(service: string, version: string) {
  const list = await api(server!.url, ADMIN, "GET", `/api/v1/releases?service=${service}&version=${version}`);
  const id = list.releases[0].id as string;
  return {
    release: await api(server!.url, ADMIN, "GET", `/api/v1/releases/${id}`),
    batches: (await api(server!.url, ADMIN, "GET", `/api/v1/releases/${id}/batches`)).batches as any[],
  };
}

describe.skipIf(missing !== undefined)("the Ansible rolling-deploy example, run for real", () => {
  let good: Fleet;
  let bad: Fleet;
  let badSecond: Fleet;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "dg-ansible-"));
    // The example's own rule (one-minute batch windows); verdicts looked for every second, with little grace.
    server = await startServer({
      DEPLOY_GUARD_DB: join(tmp, "guard.db"), DEPLOY_GUARD_RULES: join(ANSIBLE_DIR, "rules"), DEPLOY_GUARD_API_TOKEN: ADMIN,
      DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1", DEPLOY_GUARD_INGEST_GRACE_SECONDS: "2",
    });
    ingestToken = await createToken(server.url, "backfill", "ansible");
    readToken = await createToken(server.url, "read", "ansible-gate");
    [good, bad, badSecond] = await Promise.all([startFleet("demo-good"), startFleet("demo-bad"), startFleet("demo-bad2")]);
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  // Both roll-outs run at once, each on its own fleet, to keep the test to a few minutes of wall time.
  it.concurrent("rolls a good version through every batch, each passing its gate", async ({ expect }) => {
    // The last batch has no old hosts left to compare with, so it is judged against the whole fleet before the
    // deploy: wait until a whole minute of roll-ups holds at least 20 s of traffic from before it.
    while (Math.floor(Date.now() / MINUTE) * MINUTE < good.readyAt + 20_000) await new Promise((r) => setTimeout(r, 1000));
    const run = await playbook(good, "1.1.0");
    expect(run.code, run.output).toBe(0);
    expect(await versions(good)).toEqual(["1.1.0", "1.1.0", "1.1.0", "1.1.0"]);
    const { release, batches } = await releaseOf("demo-good", "1.1.0");
    expect(batches.map((b) => [b.batch.index, b.batch.hosts, b.status])).toEqual([
      [1, ["instance1", "instance2"], "pass"],
      [2, ["instance3", "instance4"], "pass"],
    ]);
    expect(batches[0].windows.baseline.label).toBe("the hosts not yet updated, over the same minutes");
    expect(batches[0].checks[0].stats.baseline_n).toBeGreaterThanOrEqual(500);
    expect(release.deploys[0]).toMatchObject({ tool: "ansible", status: "finished", batchTotal: 2 });
    expect(run.output).toMatch(/TASK \[deploy-guard gate: batch 2 must pass\] \*+\nskipping/);
    expect(run.output).not.toContain(ingestToken);
    expect(run.output).not.toContain(readToken);
  }, 9 * MINUTE);

  it.concurrent("stops a version that errs more after the first batch and rolls that batch back", async ({ expect }) => {
    const run = await playbook(bad, "1.2.0");
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(/Roll-out of demo-bad 1\.2\.0 stopped at batch 1 of 2: demo-bad 1\.2\.0 in production, batch 1 of 2 is not healthy/);
    expect(run.output).toContain("Rolled back instance1, instance2.");
    expect(run.output).not.toContain("batch 2 of 2");
    expect(await versions(bad)).toEqual(["1.0.0", "1.0.0", "1.0.0", "1.0.0"]);
    const { release, batches } = await releaseOf("demo-bad", "1.2.0");
    // Judged by the engine from the traffic: the updated hosts against the two still on 1.0.0.
    expect(batches.map((b) => [b.batch.index, b.status])).toEqual([[1, "fail"]]);
    expect(batches[0].checks[0]).toMatchObject({ signal: "error_rate", status: "fail" });
    expect(batches[0].checks[0].candidate).toBeCloseTo(0.2, 2);
    expect(batches[0].checks[0].baseline).toBeCloseTo(0.01, 2);
    expect(release).toMatchObject({ status: "fail", summary: expect.stringMatching(/^The release was rolled back \(reported by ansible\)/) });
    expect(release.deploys[0]).toMatchObject({ tool: "ansible", status: "rolled_back" });
    expect(run.output).not.toContain(ingestToken);
  }, 9 * MINUTE);

  it.concurrent("stops at batch 2 when only the second batch's hosts err: the engine fails the release and every host is rolled back", async ({ expect }) => {
    // The last batch is compared with the fleet before the deploy: let a whole minute of it be stored first.
    while (Math.floor(Date.now() / MINUTE) * MINUTE < badSecond.readyAt + 20_000) await new Promise((r) => setTimeout(r, 1000));
    const run = await playbook(badSecond, "1.3.0");
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(/Roll-out of demo-bad2 1\.3\.0 stopped at batch 2 of 2: demo-bad2 1\.3\.0 in production/);
    expect(run.output).toContain("Rolled back instance1, instance2, instance3, instance4.");
    expect(await versions(badSecond)).toEqual(["1.0.0", "1.0.0", "1.0.0", "1.0.0"]);
    const { release, batches } = await releaseOf("demo-bad2", "1.3.0");
    expect(batches.map((b) => [b.batch.index, b.status])).toEqual([[1, "pass"], [2, "fail"]]);
    expect(release).toMatchObject({ status: "fail" });
    expect(release.deploys[0]).toMatchObject({ tool: "ansible", status: "rolled_back" });
    // The engine failed the release from batch 2's traffic before Ansible reported its roll-back.
    const db = new Database(join(tmp, "guard.db"), { readonly: true });
    try {
      const finals = db.prepare("SELECT status, score FROM evaluations WHERE release_id = ? AND kind = 'final' ORDER BY rowid").all(release.id) as { status: string; score: number | null }[];
      expect(finals[0]).toMatchObject({ status: "fail", score: expect.any(Number) });
    } finally {
      db.close();
    }
    expect(run.output).not.toContain(ingestToken);
  }, 9 * MINUTE);

  it("never logs a token in the server's request log", () => {
    const out = server!.output();
    for (const token of [ADMIN, ingestToken, readToken]) if (out.includes(token)) throw new Error("a token reached the server log");
  });
});
