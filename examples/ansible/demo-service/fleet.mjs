/* global process, console, setInterval, clearInterval, setTimeout */
// Starts a local fleet of demo-service instances (one process each, the "hosts" of the Ansible inventory), sends them
// steady traffic, and writes the inventory. Stop it with Ctrl-C or SIGTERM, or end the process that started it; it
// stops its instances too.
//
//   DEPLOY_GUARD_URL=http://127.0.0.1:8080 DEPLOY_GUARD_TOKEN=<ingest token> \
//     node fleet.mjs --root /tmp/deploy-guard-demo --service demo-web [--instances 4] [--base-port 18081] [--rps 25]
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { Agent, get } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    root: { type: "string" }, service: { type: "string" }, environment: { type: "string", default: "production" },
    instances: { type: "string", default: "4" }, "base-port": { type: "string", default: "0" }, rps: { type: "string", default: "25" }, version: { type: "string", default: "1.0.0" },
  },
});
if (!values.root || !values.service) {
  console.error("usage: node fleet.mjs --root DIR --service NAME [--environment E] [--instances 4] [--base-port P] [--rps 25] [--version 1.0.0]");
  process.exit(2);
}
const root = resolve(values.root);
const count = Number(values.instances);
const rps = Number(values.rps);
const basePort = Number(values["base-port"]);

/** A fresh instance gets the starting version installed as the playbook would: releases/<v> and a `current` link. */
function install(dir, version) {
  if (existsSync(join(dir, "current"))) return;
  mkdirSync(join(dir, "releases"), { recursive: true });
  cpSync(join(here, "releases", version), join(dir, "releases", version), { recursive: true });
  symlinkSync(join("releases", version), join(dir, "current"));
}

function startInstance(name, port) {
  const dir = join(root, name);
  install(dir, values.version);
  const child = spawn(process.execPath, [join(here, "server.mjs")], {
    // eslint-disable-next-line no-restricted-syntax -- passes DEPLOY_GUARD_URL and DEPLOY_GUARD_TOKEN on to the instances
    env: { ...process.env, INSTANCE_DIR: dir, INSTANCE_NAME: name, SERVICE: values.service, DEPLOY_ENVIRONMENT: values.environment, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    child.once("exit", (code) => fail(new Error(`${name} exited with ${code}`)));
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (line) => {
      process.stdout.write(line);
      const port = /listening on (\d+)/.exec(line)?.[1];
      if (port) ok({ name, dir, port: Number(port), child });
    });
  });
}

const instances = await Promise.all(Array.from({ length: count }, (_, i) => startInstance(`instance${i + 1}`, basePort && basePort + i)));

const inventory = [
  "[demo]",
  ...instances.map((i) => `${i.name} port=${i.port}`),
  "",
  "[demo:vars]",
  "ansible_connection=local",
  `service=${values.service}`,
  `deploy_environment=${values.environment}`,
  `demo_root=${root}`,
  "",
].join("\n");
writeFileSync(join(root, "inventory.ini"), inventory);

// Steady traffic, spread over the second, on kept-alive connections.
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const load = setInterval(() => {
  for (const i of instances) {
    get({ host: "127.0.0.1", port: i.port, path: "/", agent }, (res) => res.resume()).on("error", () => {});
  }
}, 1000 / rps);

console.log(`fleet ready: ${join(root, "inventory.ini")}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(load);
  agent.destroy();
  await Promise.all(instances.map((i) => new Promise((done) => {
    if (i.child.exitCode !== null) return done();
    i.child.removeAllListeners("exit");
    i.child.once("exit", done);
    i.child.kill("SIGTERM");
    setTimeout(() => i.child.kill("SIGKILL"), 5000).unref();
  })));
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Whoever started the fleet (a shell, a test) may die without stopping it: stop with it rather than run on.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(), 1000).unref();
