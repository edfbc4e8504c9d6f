import type { ReleaseRow } from "../store/schema/index.ts";
import type { VerdictView } from "../verdicts/verdict-view.ts";
import type { ReleaseLookup } from "./release-lookup.ts";

export interface GateTarget {
  service: string;
  environment: string;
  /** Without a version, the release whose deploy started last. */
  version?: string | undefined;
}

/** The verdicts the gates answer from: always the verdict view, so operator decisions count without gate code. */
export class GateVerdicts {
  constructor(
    readonly lookup: ReleaseLookup,
    private readonly viewOf: (release: ReleaseRow) => Promise<VerdictView>,
  ) {}

  async find(t: GateTarget): Promise<{ release: ReleaseRow; view: VerdictView } | undefined> {
    const release = t.version === undefined ? await this.lookup.latest(t.service, t.environment) : await this.lookup.byVersion(t.service, t.environment, t.version);
    return release ? { release, view: await this.viewOf(release) } : undefined;
  }

  view(release: ReleaseRow): Promise<VerdictView> {
    return this.viewOf(release);
  }
}
