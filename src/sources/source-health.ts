import type { Sources } from "./registry.ts";
import type { MetricSource, SourceKind } from "./source.ts";

const TTL_MS = 15_000;
const TIMEOUT_MS = 2_000;

interface Entry {
  at: number;
  line: string;
  ok: boolean;
  pending?: Promise<void> | undefined;
}

/**
 * Each outside source's health for /readyz: checked with a short timeout and kept for 15 s, so probes do not hammer
 * the source; probes that arrive while a check runs share it.
 */
export class SourceHealthCache {
  private readonly entries = new Map<SourceKind, Entry>();

  constructor(
    private readonly sources: Sources,
    private readonly now: () => number = Date.now,
  ) {}

  async check(): Promise<Partial<Record<SourceKind, { ok: boolean; line: string }>>> {
    const now = this.now();
    const outside = this.sources.outside();
    await Promise.all(outside.map((s) => {
      const entry = this.entries.get(s.kind);
      if (entry && now - entry.at < TTL_MS) return undefined;
      if (entry?.pending) return entry.pending;
      const pending = this.probe(s).then((r) => void this.entries.set(s.kind, { at: now, ...r }));
      this.entries.set(s.kind, { at: entry?.at ?? 0, line: entry?.line ?? "", ok: entry?.ok ?? false, pending });
      return pending;
    }));
    return Object.fromEntries(outside.map((s) => [s.kind, { ok: this.entries.get(s.kind)!.ok, line: this.entries.get(s.kind)!.line }]));
  }

  private async probe(source: MetricSource): Promise<{ ok: boolean; line: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS)));
    try {
      const h = await Promise.race([source.health(), timeout]);
      return { ok: h.ok, line: this.sources.scrub(h.ok ? (h.detail.startsWith("ok") ? h.detail : `ok (${h.detail})`) : `failed: ${h.detail}`) };
    } catch (err) {
      return { ok: false, line: this.sources.scrub(`failed: ${err instanceof Error ? err.message : String(err)}`) };
    } finally {
      clearTimeout(timer);
    }
  }
}
