const MINUTE = 60_000;

/** A version a batch of telemetry carried for a service, with the first minute it served in that batch. */
export interface VersionSighting {
  service: string;
  environment: string;
  version: string;
  firstMinute: number;
}

/**
 * Told of each batch's versions inside the batch's own write, so what it records stands or falls with the batch
 * (src/deploys/version-detector.ts opens a release for a new one).
 */
export interface VersionWatch {
  seen(sightings: readonly VersionSighting[]): Promise<void>;
}

export const NO_VERSION_WATCH: VersionWatch = { seen: async () => undefined };

interface Versioned {
  service: string;
  environment: string;
  version?: string | undefined;
}

/**
 * One sighting per service, environment and version, at its earliest minute; rows without a version are left out.
 * Fed roll-up rows (`minute`) or raw samples (`ts`), so a 10,000-record batch comes to a handful of sightings.
 */
export function versionSightings(rows: Iterable<Versioned & ({ minute: number } | { ts: number })>): VersionSighting[] {
  const out = new Map<string, VersionSighting>();
  for (const r of rows) {
    if (!r.version) continue;
    const minute = "minute" in r ? r.minute : Math.floor(r.ts / MINUTE) * MINUTE;
    const key = `${r.service}\u0000${r.environment}\u0000${r.version}`;
    const seen = out.get(key);
    if (!seen) out.set(key, { service: r.service, environment: r.environment, version: r.version, firstMinute: minute });
    else if (minute < seen.firstMinute) seen.firstMinute = minute;
  }
  return [...out.values()];
}
