import { describe, expect, it } from "vitest";
import { compareErrorKinds, describeNewErrorKinds } from "../../../src/sources/elasticsearch/error-kinds.ts";
import { errorBody, termsAnswer } from "./es-answers.ts";
import { esErrors, mockedSource, query, T0 } from "./es-mock.ts";

const HOUR = 3_600_000;
type Body = { query: { bool: { filter: Record<string, Record<string, { gte?: number }>>[] } }; aggs: { messages: { terms: { field: string; size: number } } } };
const startOf = (body: unknown) => (body as Body).query.bool.filter[0]!.range!["@timestamp"]!.gte;

describe("new kinds of error since the baseline", () => {
  it("reads both windows' error messages with a terms aggregation and reports the kinds only the candidate has", async () => {
    const { mock, source, requests } = mockedSource();
    const candidate = query({ version: "1.4.2", start: T0, end: T0 + HOUR });
    const baseline = query({ start: T0 - HOUR, end: T0 });
    mock.add({ method: "POST", path: "/:index/_search" }, (params) =>
      startOf(params.body) === T0
        ? termsAnswer([
            { key: "connect ECONNREFUSED 10.0.0.7:5432", doc_count: 12 },
            { key: "payment declined for order 123", doc_count: 9 },
            { key: "connect ECONNREFUSED 10.0.0.9:5432", doc_count: 3 },
            { key: "NullPointerException in CartService.total line 88", doc_count: 2 },
          ])
        : termsAnswer([
            { key: "payment declined for order 77", doc_count: 14 },
            { key: "upstream timed out after 30000 ms", doc_count: 4 },
          ]),
    );
    const found = await source.newErrorKinds(candidate, baseline);
    expect(found).toEqual({
      kinds: [
        { kind: "connect ECONNREFUSED <ip>", count: 15, example: "connect ECONNREFUSED 10.0.0.7:5432" },
        { kind: "NullPointerException in CartService.total line <num>", count: 2, example: "NullPointerException in CartService.total line 88" },
      ],
      candidateErrors: 26,
      uncovered: { candidate: 0, baseline: 0 },
    });
    expect(describeNewErrorKinds(found)).toBe(
      `2 new kinds of error appeared after this release: "connect ECONNREFUSED <ip>" (15×), "NullPointerException in CartService.total line <num>" (2×).`,
    );
    const bodies = requests.map((r) => r.body as Body);
    expect(bodies.map((b) => b.aggs.messages.terms)).toEqual([{ field: "message.keyword", size: 500 }, { field: "message.keyword", size: 2000 }]);
    expect(bodies[0]!.query.bool.filter).toContainEqual({ term: { "service.version": "1.4.2" } });
    expect(bodies[1]!.query.bool.filter).not.toContainEqual({ term: { "service.version": "1.4.2" } });
    // Only errors are read: the last filter is the rule's error definition.
    expect(bodies[0]!.query.bool.filter.at(-1)).toMatchObject({ bool: { minimum_should_match: 1 } });
  });

  it("says when the baseline had more messages than were read", () => {
    const found = { kinds: compareErrorKinds([{ message: "disk full on /var/lib/x", count: 1 }], []), candidateErrors: 1, uncovered: { candidate: 0, baseline: 310 } };
    expect(describeNewErrorKinds(found)).toBe(
      `1 new kind of error appeared after this release: "disk full on /var/lib/x" (1×) (the baseline had more distinct messages than were read, so some may be older than they look).`,
    );
    expect(describeNewErrorKinds({ kinds: [], candidateErrors: 0, uncovered: { candidate: 0, baseline: 0 } })).toBe("No new kind of error appeared after this release.");
  });

  it("a text (not keyword) message field is a clear, non-retryable error", async () => {
    const { mock, source } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      new esErrors.ResponseError({
        statusCode: 400,
        body: errorBody(400, "illegal_argument_exception", "Fielddata is disabled on [message] in [logs-checkout-2026.11.21]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default."),
        headers: {}, warnings: null, meta: {} as never,
      }),
    );
    const err = await source.newErrorKinds(query({ signal: { query: { index: "logs-checkout-*", fields: { message: "message" } } } }), query()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "SourceError", retryable: false });
    expect((err as Error).message).toMatch(/^400 from es\.internal:9200: illegal_argument_exception: Fielddata is disabled on \[message\]/);
  });
});
