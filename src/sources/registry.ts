import type { Config } from "../config.ts";
import type { Store } from "../store/store.ts";
import { WindowReader } from "../telemetry/window-reader.ts";
import { BuiltinSource } from "./builtin-source.ts";
import { createDatadogSource } from "./datadog/datadog-source.ts";
import { createElasticsearchSource } from "./elasticsearch/elasticsearch-source.ts";
import { createPrometheusSource } from "./prometheus/prometheus-source.ts";
import { scrubSecrets, secretValues } from "./secret-scrub.ts";
import { SOURCE_KINDS, type MetricSource, type SourceKind } from "./source.ts";

type SourceFactory = (config: Config, store: Store) => MetricSource | undefined;

/** Every source kind and how it is built; an outside source's factory answers undefined when it is not configured. */
export const SOURCE_FACTORIES = {
  builtin: (_config: Config, store: Store) => new BuiltinSource(new WindowReader(store), store),
  elasticsearch: (config: Config) => createElasticsearchSource(config),
  datadog: (config: Config) => createDatadogSource(config),
  prometheus: (config: Config) => createPrometheusSource(config),
} satisfies Record<SourceKind, SourceFactory>;

/** The sources this process can read: builtin always, the others when configured. */
export class Sources {
  private readonly secrets: string[];

  constructor(
    readonly builtin: BuiltinSource,
    private readonly others: Partial<Record<SourceKind, MetricSource>>,
    config: Config,
  ) {
    this.secrets = secretValues(config);
  }

  get(kind: SourceKind): MetricSource | undefined {
    return kind === "builtin" ? this.builtin : this.others[kind];
  }

  /** The configured outside sources, in SOURCE_KINDS order. */
  outside(): MetricSource[] {
    return SOURCE_KINDS.flatMap((k) => (k !== "builtin" && this.others[k] ? [this.others[k]] : []));
  }

  /** A source's message with any configured secret cut out, for verdicts, logs and /readyz. */
  scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }
}

/** Builds every configured source; `replace` swaps in other implementations (tests use a FakeSource). */
export function createSources(config: Config, store: Store, replace: Partial<Record<SourceKind, MetricSource>> = {}): Sources {
  const others: Partial<Record<SourceKind, MetricSource>> = {};
  for (const kind of SOURCE_KINDS) {
    if (kind === "builtin") continue;
    const source = replace[kind] ?? SOURCE_FACTORIES[kind](config);
    if (source) others[kind] = source;
  }
  return new Sources(SOURCE_FACTORIES.builtin(config, store), others, config);
}
