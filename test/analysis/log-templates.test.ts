import { describe, expect, it } from "vitest";
import { DEFAULT_DRAIN, DrainMiner } from "../../src/analysis/log-templates/drain-miner.ts";
import { maskedTokens } from "../../src/analysis/log-templates/message-masker.ts";
import { maskSecrets, sampleMessage } from "../../src/analysis/log-templates/secret-masker.ts";
import { generatedLines } from "../support/generated-log-lines.ts";


describe("maskedTokens", () => {
  it("masks numbers, hex, UUIDs, IPs, ids in paths and quoted values, and keeps the first stack frame", () => {
    expect(maskedTokens(`order 3f2b8c1e-9a4d-4e2f-8b1c-0d2e3f4a5b6c from 10.1.2.3:443 id 0x1f "x y" /users/u8f3k2/orders took 12.5 ms`).join(" "))
      .toBe("order <uuid> from <ip> id <hex> <str> /users/<id>/orders took <num> ms");
    expect(maskedTokens("java.lang.IllegalStateException: boom\n  at com.shop.Cart.total(Cart.java:42)\n  at x.y(Z.java:1)").join(" "))
      .toBe("java.lang.IllegalStateException: boom at com.shop.Cart.total(Cart.java:<num>)");
  });
});

describe("DrainMiner", () => {
  it("groups generated error lines into exactly their kinds, with stable fingerprints", () => {
    const lines = generatedLines(3000, 42);
    const miner = new DrainMiner();
    const byKind = new Map<number, Set<string>>(), byPrint = new Map<string, Set<number>>();
    for (const { line, kind } of lines) {
      const fp = miner.add(line)!.fingerprint;
      (byKind.get(kind) ?? byKind.set(kind, new Set()).get(kind)!).add(fp);
      (byPrint.get(fp) ?? byPrint.set(fp, new Set()).get(fp)!).add(kind);
    }
    expect([...byKind.values()].map((s) => s.size)).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...byPrint.values()].every((s) => s.size === 1)).toBe(true);
    const again = new DrainMiner();
    for (const { line } of generatedLines(3000, 42)) again.add(line);
    expect(again.add(lines[0]!.line)!.fingerprint).toBe(miner.add(lines[0]!.line)!.fingerprint);
  });

  it("keeps a template's fingerprint when restored from its stored form after a restart", () => {
    const miner = new DrainMiner();
    const first = miner.add("cache miss for key user:1 in region eu")!;
    const general = miner.add("cache miss for key session:9 in region us")!;
    expect(general.fingerprint).toBe(first.fingerprint);
    const restarted = new DrainMiner();
    restarted.load(general.fingerprint, general.template);
    expect(restarted.add("cache miss for key cart:3 in region ap")!.fingerprint).toBe(first.fingerprint);
    expect(restarted.add("disk full on volume data")!.fingerprint).not.toBe(first.fingerprint);
  });

  it("is bounded: past the template cap, new messages get fingerprints without growing the miner", () => {
    const miner = new DrainMiner({ ...DEFAULT_DRAIN, maxTemplates: 50 });
    for (let i = 0; i < 500; i++) miner.add(`failure kind${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} happened`);
    expect(miner.size).toBe(50);
    expect(miner.add("something entirely different went wrong here")!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(miner.size).toBe(50);
  });

  // About 250k/s alone on one core (loghub lines); the bound is loose because the test machine is shared.
});

describe("secret masking", () => {
  it("hides passwords, tokens, keys and URL credentials in samples, and truncates them", () => {
    const raw = `login failed password=hunter2 token: "abc.def" Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig ` +
      `key AKIAABCDEFGHIJKLMNOP url postgres://app:s3cret@db:5432/x api_key=sk_live_1234567890abcdef`;
    const masked = maskSecrets(raw);
    for (const secret of ["hunter2", "abc.def", "eyJhbGciOiJIUzI1NiJ9", "AKIAABCDEFGHIJKLMNOP", "s3cret", "sk_live_1234567890abcdef"]) expect(masked).not.toContain(secret);
    expect(masked).toContain("password=[hidden]");
    expect(sampleMessage(`x${"y".repeat(900)}`, 100)).toHaveLength(100);
    expect(maskedTokens("auth failed for password=hunter2").join(" ")).not.toContain("hunter2");
  });
});
