import { inArray } from "drizzle-orm";
import type { Container } from "../container.ts";
import { rollbacks } from "../store/schema/index.ts";
import type { releaseView } from "../verdicts/verdict-view.ts";
import type { Verdict } from "../verdicts/verdict.ts";
import { dayKey } from "./format.ts";
import type { ReleaseFacts, Tally } from "./release-words.ts";
import { tallyOf, TALLY_ORDER } from "./release-words.ts";

const BOARD_SIZE = 60;

export type BoardRelease = ReturnType<typeof releaseView> & { deployedAt: number; facts: ReleaseFacts };

/** The latest releases with the facts their light, sentence and tally are built from. */
export async function boardReleases(c: Container): Promise<BoardRelease[]> {
  const rows = await c.releases.list({ limit: BOARD_SIZE });
  const ids = rows.map((r) => r.id);
  const done = new Set(ids.length === 0 ? [] : (await c.store.db.select({ id: rollbacks.releaseId, status: rollbacks.status }).from(rollbacks).where(inArray(rollbacks.releaseId, ids)))
    .filter((x) => x.status === "succeeded").map((x) => x.id));
  const board: BoardRelease[] = [];
  for (const r of rows) {
    const view = await c.views.release(r);
    const verdict = r.verdict as Verdict | null;
    const facts: ReleaseFacts = {
      status: view.status,
      engineStatus: r.status,
      checks: verdict?.checks ?? [],
      decision: view.decision ?? null,
      decideBy: r.status === "analyzing" ? (verdict?.decide_by ? Date.parse(verdict.decide_by) : r.analysisEnd) : null,
      rolledBack: done.has(r.id) || view.decision?.rollback?.status === "done",
    };
    board.push({ ...view, deployedAt: r.deployFinishedAt ?? r.deployStartedAt ?? r.createdAt, facts });
  }
  return board;
}

/** Releases deployed on the viewer's calendar day, and the rest. */
export function splitByDay(releases: BoardRelease[], now: number, zone: string): { today: BoardRelease[]; earlier: BoardRelease[] } {
  const day = dayKey(now, zone);
  return {
    today: releases.filter((r) => dayKey(r.deployedAt, zone) === day),
    earlier: releases.filter((r) => dayKey(r.deployedAt, zone) !== day),
  };
}

/** How many releases fall in each part of the one-line answer, in the order it reads. */
export function tally(releases: BoardRelease[]): { tally: Tally; n: number }[] {
  const n = new Map<Tally, number>();
  for (const r of releases) n.set(tallyOf(r.facts), (n.get(tallyOf(r.facts)) ?? 0) + 1);
  return TALLY_ORDER.filter((k) => n.has(k)).map((k) => ({ tally: k, n: n.get(k)! }));
}
