import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * discovery_results loses its index by name (run, firm name). A run writes its candidates in
 * firm id order, so every other index of the table grows at a few places per batch, but names
 * come in no order: each row landed on a page of its own, and at province scale (370,000
 * candidates) that one index cost more than half of the whole table's writing (8 of 13.6 s of
 * CPU to insert the results in batches as a run does). Sorting a run's candidates by name now
 * reads the run's rows and keeps the first page's worth (a town officer's town: a few thousand
 * rows; the district: a run's every row), which the page does only when asked to.
 *
 * Written for SQLite and translated for PostgreSQL by ./ddl.ts, like every migration; `npm run
 * test:pg` applies it and runs its tests on PostgreSQL.
 */
const statements: Statement[] = [`DROP INDEX IF EXISTS discovery_results_name`];

export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, statements);
}
