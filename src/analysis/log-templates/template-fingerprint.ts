/**
 * A stable 64-bit fingerprint of a template's first form, as 16 hex characters: two FNV-1a 32-bit lanes with different
 * offset bases (Fowler–Noll–Vo, IETF draft-eastlake-fnv). Stable across processes and versions, unlike a
 * Map's order or a random id, so a kind keeps its name in the store for as long as it recurs.
 */
export function templateFingerprint(tokens: readonly string[]): string {
  let a = 0x811c9dc5, b = 0x050c5d1f;
  const text = `${tokens.length}\u0000${tokens.join(" ")}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
