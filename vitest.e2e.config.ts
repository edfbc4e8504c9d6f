import { defineConfig } from "vitest/config";
import { E2E_TESTS, shared } from "./vitest.config.ts";

/** `npm run test:e2e`: only test/e2e/ — real processes, so it needs the Debian packages .ci/run installs. */
export default defineConfig({
  test: {
    ...shared,
    include: [E2E_TESTS],
    // Most of these files wait (real servers, the Ansible run's minute windows): three workers keep two cores busy.
    maxWorkers: 3,
  },
});
