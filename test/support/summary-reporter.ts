import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

const SLOWEST = 10;

/**
 * Prints the slowest files (import + hooks + tests, so a new slow file is noticed before the suite creeps past its
 * budget) and one closing line, "tests: N passed, N failed, N skipped", that CI systems can read.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0, failed = 0, skipped = 0;
    for (const m of testModules) {
      // A failing hook or import fails its file without failing a test: count it, so the line never says 0 failed.
      failed += m.errors().length;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
    }
    const seconds = (m: TestModule) => { const d = m.diagnostic(); return (d.collectDuration + d.duration) / 1000; };
    const slowest = [...testModules].sort((a, b) => seconds(b) - seconds(a)).slice(0, SLOWEST);
    if (slowest.length > 1) {
      const lines = slowest.map((m) => `  ${seconds(m).toFixed(1).padStart(6)} s  ${relative(process.cwd(), m.moduleId)}`);
      process.stdout.write(`\nslowest files:\n${lines.join("\n")}\n`);
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
