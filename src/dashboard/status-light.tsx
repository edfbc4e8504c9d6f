import type { ReleaseStatus } from "../store/schema/index.ts";
import type { Translate } from "./i18n/i18n.ts";

/** What a light shows: a release status, or "worsening" — still being checked, but a check already looks worse. */
export type LightState = ReleaseStatus | "worsening";

/** Icon, word and colour together, so colour is never the only signal. */
export const LIGHTS: Record<LightState, { icon: string; tone: string }> = {
  pass: { icon: "✓", tone: "green" },
  warn: { icon: "!", tone: "amber" },
  fail: { icon: "✕", tone: "red" },
  hold: { icon: "‖", tone: "grey" },
  worsening: { icon: "!", tone: "amber" },
  analyzing: { icon: "…", tone: "blue" },
  pending: { icon: "↻", tone: "blue" },
};

export function StatusLight({ status, t, large = false }: { status: LightState; t: Translate; large?: boolean }) {
  const light = LIGHTS[status];
  return (
    <span class={`light tone-${light.tone}${large ? " large" : ""}`} data-status={status}>
      <span class="icon" aria-hidden="true">{light.icon}</span>
      <span class="word">{t(`status.${status}`)}</span>
    </span>
  );
}
