import { describe, expect, it } from "vitest";
import { normaliseErrorMessage } from "../../../src/sources/elasticsearch/error-message-normaliser.ts";
import { LOGHUB, loghubLines } from "./loghub.ts";

describe("error message normalisation: variable parts become placeholders", () => {
  it.each([
    ["numbers and durations", "timeout after 3021ms calling payments (attempt 3 of 5)", "timeout after <num>ms calling payments (attempt <num> of <num>)"],
    ["UUIDs", "order 9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f not found", "order <uuid> not found"],
    ["IPv4 with port and IPv6", "connect ECONNREFUSED 10.0.3.17:5432 via fe80::1ff:fe23:4567:890a", "connect ECONNREFUSED <ip> via <ip>"],
    ["clock times are numbers, not addresses", "job stuck at 12:30:45", "job stuck at <num>:<num>:<num>"],
    ["a request id built from a UUID", "[req-38101a0b-2096-447d-96ea-a692162415ae] failed", "[req-<uuid>] failed"],
    ["hex ids and 0x addresses", "trace 4bf92f3577b34da6a3ce929d0e0e4736 segfault at 0x7ffd5e8c", "trace <hex> segfault at <hex>"],
    ["quoted strings", `duplicate key value violates unique constraint "orders_pkey" for 'alice@example.com'`, "duplicate key value violates unique constraint <str> for <str>"],
    ["timestamps", "lock held since 2026-11-21T10:00:03.123Z", "lock held since <time>"],
    ["lists of ids collapse to one", "cannot delete blk_1 blk_22 blk_333", "cannot delete blk_<num> …"],
  ])("%s", (_, raw, kind) => {
    expect(normaliseErrorMessage(raw)).toBe(kind);
  });

  it("keeps digits that are part of a name", () => {
    expect(normaliseErrorMessage("log4j: http2 stream reset by utf8 decoder")).toBe("log4j: http2 stream reset by utf8 decoder");
  });

  it("keeps words made of hex letters", () => {
    expect(normaliseErrorMessage("deadline exceeded in cafe facade")).toBe("deadline exceeded in cafe facade");
  });
});

describe.skipIf(!LOGHUB.present)(`error message normalisation on real Loghub lines${LOGHUB.note}`, () => {
  it("makes one kind of two HDFS lines of the same template", () => {
    const [a, b] = loghubLines("HDFS").slice(0, 2);
    expect(a!.content).toBe("PacketResponder 1 for block blk_38865049064139660 terminating");
    expect(b!.content).toBe("PacketResponder 0 for block blk_-6952295868487656571 terminating");
    expect(normaliseErrorMessage(a!.content)).toBe("PacketResponder <num> for block blk_<num> terminating");
    expect(normaliseErrorMessage(b!.content)).toBe("PacketResponder <num> for block blk_<num> terminating");
  });

  it("reduces an OpenStack request line's address, quoted request and figures", () => {
    const line = loghubLines("OpenStack")[0]!.content;
    expect(line).toBe(`10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829`);
    expect(normaliseErrorMessage(line)).toBe("<ip> <str> status: <num> len: <num> time: <num>");
  });

  it("reduces Hadoop's container ids and BGL's socket addresses", () => {
    const hadoop = loghubLines("Hadoop").find((l) => l.content.startsWith("Container complete event for unknown container id"))!;
    expect(normaliseErrorMessage(hadoop.content)).toBe("Container complete event for unknown container id container_<num>_<num>_<num>_<num>");
    const bgl = loghubLines("BGL").find((l) => l.content.startsWith("ciod: failed to read message prefix on control stream"))!;
    expect(normaliseErrorMessage(bgl.content)).toBe("ciod: failed to read message prefix on control stream (CioStream socket to <ip>");
  });

  it.each(["HDFS", "BGL", "Hadoop", "Apache", "Thunderbird"])("never merges two of %s's Loghub templates into one kind", (system) => {
    const templatesByKind = new Map<string, Set<string>>();
    for (const { content, eventId } of loghubLines(system)) {
      const kind = normaliseErrorMessage(content);
      templatesByKind.set(kind, (templatesByKind.get(kind) ?? new Set()).add(eventId));
    }
    const merged = [...templatesByKind].filter(([, ids]) => ids.size > 1).map(([kind, ids]) => `${kind}: ${[...ids].join(",")}`);
    expect(merged).toEqual([]);
  });

  it("finds exactly Apache's six templates in its 2,000 lines", () => {
    const kinds = new Set(loghubLines("Apache").map((l) => normaliseErrorMessage(l.content)));
    expect([...kinds].sort()).toHaveLength(6);
  });
});
