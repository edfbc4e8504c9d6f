/**
 * SQL fragments that SQLite and PostgreSQL both run: SQLite has no LEAST/GREATEST, PostgreSQL no two-argument
 * min/max. Neither operand may be NULL (a NULL compares false, so the first operand would win).
 */
export const lesser = (a: string, b: string): string => `CASE WHEN ${b} < ${a} THEN ${b} ELSE ${a} END`;
export const greater = (a: string, b: string): string => `CASE WHEN ${b} > ${a} THEN ${b} ELSE ${a} END`;
