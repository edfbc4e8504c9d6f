import { configDefaults, defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * `npm test` runs the fast suite: it needs nothing but Node (PostgreSQL tests skip without DEPLOY_GUARD_TEST_POSTGRES).
 * test/e2e/ holds every test that keeps another program running beside it — the server as its own process,
 * Prometheus, Chromium, Ansible, Capistrano — and only `npm run test:e2e` (vitest.e2e.config.ts) runs it. One-shot
 * commands (the CLI, promtool) stay here.
 */
export const E2E_TESTS = "test/e2e/**/*.test.ts";

export const shared: NonNullable<ViteUserConfig["test"]> = {
  // A hang is caught either way; the Monte Carlo tests (300 simulated releases) take ~25 s alone and 85 s on a loaded
  // shared machine, which a 60 s limit failed though every assertion held.
  testTimeout: 180_000,
  hookTimeout: 60_000,
  pool: "forks",
  globalSetup: ["./test/support/global-setup.ts"],
  reporters: ["default", "./test/support/summary-reporter.ts"],
};

export default defineConfig({
  test: {
    ...shared,
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, E2E_TESTS],
    // Files share a worker's loaded modules: importing src anew for each file was 40 % of the suite's CPU. Safe while
    // tests keep state in the services they create (no vi.mock, no module-level state, no globals changed).
    isolate: false,
    maxWorkers: 3,
  },
});
