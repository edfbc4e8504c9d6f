import type { TestService } from "../support/test-service.ts";
import { TEST_STORE } from "../support/test-service.ts";

/**
 * Makes the database refuse inserts into `table` where `condition` holds on the new row (e.g. "NEW.host = 'boom'"), with
 * an error saying "refused": a write that fails part way, on whichever store the service runs.
 */
export async function refuseInserts(svc: TestService, table: string, condition: string): Promise<void> {
  if (TEST_STORE === "postgres") {
    await svc.sql(`CREATE FUNCTION refuse_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF ${condition} THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`).run();
    await svc.sql(`CREATE TRIGGER refuse BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${table}()`).run();
  } else {
    await svc.sql(`CREATE TRIGGER refuse BEFORE INSERT ON ${table} WHEN ${condition} BEGIN SELECT RAISE(ABORT, 'refused'); END`).run();
  }
}

/** `SELECT count(*)` of a table on the service's store. */
export async function countOf(svc: TestService, table: string, where = "1 = 1"): Promise<number> {
  return (await svc.sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get())!.n;
}
