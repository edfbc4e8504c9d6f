import { describe, expect, it } from "vitest";
import { callSource } from "../../../src/sources/source-call.ts";
import { NoDataError, SourceError, type SourceQuery } from "../../../src/sources/source.ts";
import { countsPerMinute, FakeSource } from "../../support/fake-source.ts";

const q: SourceQuery = { signal: { name: "errors", kind: "error_rate" }, service: "api", environment: "production", start: 0, end: 120_000, stepSeconds: 60 };
const policy = { timeoutMs: 1000, retries: 2, backoffMs: 250 };

describe("callSource: one bounded query", () => {
  it("retries a retryable error with doubling waits, at most `retries` times", async () => {
    const waits: number[] = [];
    const source = new FakeSource("datadog", countsPerMinute(10, () => 0)).keep({ fail: "429 from api.datadoghq.com", retryable: true });
    const err = await callSource(source, q, policy, async (ms) => void waits.push(ms)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toBe("429 from api.datadoghq.com (3 attempts)");
    expect(waits).toEqual([250, 500]);
    expect(source.queries).toHaveLength(3);
  });

  it("answers with the series once a retry succeeds", async () => {
    const source = new FakeSource("prometheus", countsPerMinute(10, () => 0.1)).then({ fail: "503", retryable: true });
    expect(await callSource(source, q, policy, async () => {})).toEqual({ kind: "counts", points: [{ t: 0, events: 1, exposure: 10 }, { t: 60_000, events: 1, exposure: 10 }] });
  });

  it("passes NoDataError through untouched and turns any other throw into a non-retryable SourceError", async () => {
    const empty = new FakeSource("elasticsearch", countsPerMinute(10, () => 0)).then("nodata");
    await expect(callSource(empty, q, policy)).rejects.toBeInstanceOf(NoDataError);
    const broken = new FakeSource("elasticsearch", () => {
      throw new TypeError("cannot read properties of undefined (reading 'buckets')");
    });
    const err = (await callSource(broken, q, policy).catch((e: unknown) => e)) as SourceError;
    expect([err.name, err.source, err.retryable, err.message]).toEqual(["SourceError", "elasticsearch", false, "cannot read properties of undefined (reading 'buckets')"]);
    expect(broken.queries).toHaveLength(1);
  });
});
