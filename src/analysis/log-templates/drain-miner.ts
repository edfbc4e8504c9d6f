import { hasPlaceholder, maskedTokens } from "./message-masker.ts";
import { templateFingerprint } from "./template-fingerprint.ts";

export const WILDCARD = "<*>";

export interface DrainSettings {
  /** Tree depth as in the paper: the length layer, depth − 2 token layers, then the leaves (4). */
  depth: number;
  /** Share of equal tokens at which a message joins a template (0.5: error messages are short and distinct). */
  similarity: number;
  /** Children per inner node before further distinct tokens share the wildcard child. */
  maxChildren: number;
  /** Templates kept per miner (one miner per service); past it, messages are named by their masked text alone. */
  maxTemplates: number;
}

export const DEFAULT_DRAIN: DrainSettings = { depth: 4, similarity: 0.5, maxChildren: 100, maxTemplates: 1000 };

export interface MinedTemplate {
  fingerprint: string;
  /** Tokens joined by one space; "<*>" where members differ, typed placeholders ("<num>") where values were masked. */
  template: string;
}

interface Cluster {
  tokens: string[];
  fingerprint: string;
  template: string;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: Cluster[];
}

const node = (): TreeNode => ({ children: new Map(), clusters: [] });

/**
 * Drain: an online log parser with a fixed-depth parse tree (He, Zhu, Zheng & Lyu, ICWS 2017). A template keeps the
 * fingerprint of its first form while later messages generalise it, so its name is stable across restarts (load()).
 * Memory is bounded by maxTemplates × MAX_TOKENS tokens.
 */
export class DrainMiner {
  private readonly root = new Map<number, TreeNode>();
  private count = 0;

  constructor(private readonly settings: DrainSettings = DEFAULT_DRAIN) {}

  get size(): number {
    return this.count;
  }

  /** The template of one message (mining it: it may create or generalise one); undefined for an empty message. */
  add(message: string): MinedTemplate | undefined {
    const tokens = maskedTokens(message);
    if (tokens.length === 0) return undefined;
    const leaf = this.leafFor(tokens, this.count < this.settings.maxTemplates);
    const match = leaf && this.bestMatch(leaf.clusters, tokens);
    if (match) {
      generalise(match, tokens);
      return { fingerprint: match.fingerprint, template: match.template };
    }
    const fingerprint = templateFingerprint(tokens);
    if (!leaf || this.count >= this.settings.maxTemplates) return { fingerprint, template: tokens.join(" ") };
    const cluster: Cluster = { tokens, fingerprint, template: tokens.join(" ") };
    leaf.clusters.push(cluster);
    this.count++;
    return { fingerprint, template: cluster.template };
  }

  /** Restores a stored template under its fingerprint, as if it had been mined here (no-op past the cap). */
  load(fingerprint: string, template: string): void {
    const tokens = template.split(" ").filter((t) => t.length > 0);
    if (tokens.length === 0 || this.count >= this.settings.maxTemplates) return;
    const leaf = this.leafFor(tokens, true);
    if (!leaf || leaf.clusters.some((c) => c.fingerprint === fingerprint)) return;
    leaf.clusters.push({ tokens, fingerprint, template: tokens.join(" ") });
    this.count++;
  }

  /** Length layer, then the first depth − 2 tokens; values and overflow go to the wildcard child. */
  private leafFor(tokens: string[], grow: boolean): TreeNode | undefined {
    let current: TreeNode | undefined = this.root.get(tokens.length);
    if (!current) {
      if (!grow) return undefined;
      current = node();
      this.root.set(tokens.length, current);
    }
    const layers = Math.min(this.settings.depth - 2, tokens.length);
    for (let i = 0; i < layers; i++) {
      const token = tokens[i]!;
      let key = hasPlaceholder(token) ? WILDCARD : token;
      let next: TreeNode | undefined = current.children.get(key);
      if (!next && key !== WILDCARD && current.children.size >= this.settings.maxChildren) next = current.children.get((key = WILDCARD));
      if (!next) {
        if (!grow) return undefined;
        next = node();
        current.children.set(key, next);
      }
      current = next;
    }
    return current;
  }

  /** The most similar template at or above the threshold; ties go to the one with more wildcards (as Drain). */
  private bestMatch(clusters: Cluster[], tokens: string[]): Cluster | undefined {
    let best: Cluster | undefined, bestSim = -1, bestParams = -1;
    for (const c of clusters) {
      let same = 0, params = 0;
      for (let i = 0; i < tokens.length; i++) {
        const t = c.tokens[i]!;
        if (t === WILDCARD) params++;
        else if (t === tokens[i]) same++;
      }
      const sim = same / tokens.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) [best, bestSim, bestParams] = [c, sim, params];
    }
    return best && bestSim >= this.settings.similarity ? best : undefined;
  }
}

function generalise(cluster: Cluster, tokens: string[]): void {
  let changed = false;
  for (let i = 0; i < tokens.length; i++) {
    if (cluster.tokens[i] !== WILDCARD && cluster.tokens[i] !== tokens[i]) {
      cluster.tokens[i] = WILDCARD;
      changed = true;
    }
  }
  if (changed) cluster.template = cluster.tokens.join(" ");
}
