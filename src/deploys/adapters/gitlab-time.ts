const GITLAB_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(UTC|Z|[+-]\d{2}:?\d{2})$/i;

/**
 * GitLab hooks write times as "2021-04-28 21:50:00 +0200" or "2016-08-12 15:23:28 UTC", which Date.parse reads
 * differently per engine; returns epoch ms, or undefined when the text is no such time.
 */
export function parseGitlabTime(text: string): number | undefined {
  const m = GITLAB_TIME.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  const check = new Date(local);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  return local - offsetMinutes(m[8]!) * 60_000;
}

function offsetMinutes(zone: string): number {
  if (/^(utc|z)$/i.test(zone)) return 0;
  const digits = zone.replace(":", "");
  const sign = digits.startsWith("-") ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}
