import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * Yearly business figures (年度经营数据): one row per firm and year, imported from the statistics
 * office's sheets or typed by the firm or the bureau. Money in integer yuan like the rest of the
 * registry; net profit alone may be negative.
 *
 * The firm's own columns (enterprises.revenue_yuan, rd_expense_yuan, employees) stay, as a copy of
 * its latest year's figures kept by the triggers below in the same transaction as every change,
 * whichever code writes: the eligibility pre-check's plausibility references, the exports and the
 * registry read them unchanged. A change to the copy bumps the firm's version, so an edit form
 * opened before an import cannot write the older figures back.
 *
 * Existing values move into the figures of the year before the firm's record was last updated
 * (UTC year of updated_at, minus one): a profile's 上年营业收入 typed in year Y is of year Y − 1.
 * Written for SQLite and translated for PostgreSQL by ./ddl.ts (IS DISTINCT FROM runs on both).
 */
const SYNC_BODY = (row: "NEW") => `
  UPDATE enterprises
     SET revenue_yuan = ${row}.revenue_yuan, rd_expense_yuan = ${row}.rd_expense_yuan, employees = ${row}.employees,
         version = version + 1
   WHERE id = ${row}.enterprise_id
     AND NOT EXISTS (SELECT 1 FROM enterprise_figures f WHERE f.enterprise_id = ${row}.enterprise_id AND f.year > ${row}.year)
     AND (revenue_yuan IS DISTINCT FROM ${row}.revenue_yuan
          OR rd_expense_yuan IS DISTINCT FROM ${row}.rd_expense_yuan
          OR employees IS DISTINCT FROM ${row}.employees);`;

const latest = (column: string) => `(SELECT f.${column} FROM enterprise_figures f WHERE f.enterprise_id = OLD.enterprise_id ORDER BY f.year DESC LIMIT 1)`;

const statements: Statement[] = [
  `CREATE TABLE enterprise_figures (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    revenue_yuan INTEGER CHECK (revenue_yuan >= 0),
    main_business_revenue_yuan INTEGER CHECK (main_business_revenue_yuan >= 0),
    rd_expense_yuan INTEGER CHECK (rd_expense_yuan >= 0),
    employees INTEGER CHECK (employees >= 0),
    rd_staff INTEGER CHECK (rd_staff >= 0),
    total_assets_yuan INTEGER CHECK (total_assets_yuan >= 0),
    total_liabilities_yuan INTEGER CHECK (total_liabilities_yuan >= 0),
    net_profit_yuan INTEGER,
    equity_financing_yuan INTEGER CHECK (equity_financing_yuan >= 0),
    invention_patents INTEGER CHECK (invention_patents >= 0),
    ip_class1 INTEGER CHECK (ip_class1 >= 0),
    ip_class2 INTEGER CHECK (ip_class2 >= 0),
    niche_years INTEGER CHECK (niche_years BETWEEN 0 AND 200),
    source TEXT NOT NULL CHECK (source IN ('import','enterprise','bureau')),
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, year)
  ) STRICT`,
  `CREATE INDEX enterprise_figures_year ON enterprise_figures(year, enterprise_id)`,
  // The registry's current columns become the figures of the year before their last update.
  `INSERT INTO enterprise_figures (enterprise_id, year, revenue_yuan, rd_expense_yuan, employees, source, updated_by, updated_at)
   SELECT id, CAST(substr(updated_at, 1, 4) AS INTEGER) - 1, revenue_yuan, rd_expense_yuan, employees, 'bureau', NULL, updated_at
     FROM enterprises
    WHERE (revenue_yuan IS NOT NULL OR rd_expense_yuan IS NOT NULL OR employees IS NOT NULL)
      AND CAST(substr(updated_at, 1, 4) AS INTEGER) BETWEEN 2001 AND 2101`,
  `CREATE TRIGGER enterprise_figures_sync_insert AFTER INSERT ON enterprise_figures
   BEGIN ${SYNC_BODY("NEW")} END`,
  `CREATE TRIGGER enterprise_figures_sync_update AFTER UPDATE ON enterprise_figures
   BEGIN ${SYNC_BODY("NEW")} END`,
  // A deleted year hands the copy to the latest year left (or empties it).
  `CREATE TRIGGER enterprise_figures_sync_delete AFTER DELETE ON enterprise_figures
   BEGIN
  UPDATE enterprises
     SET revenue_yuan = ${latest("revenue_yuan")}, rd_expense_yuan = ${latest("rd_expense_yuan")}, employees = ${latest("employees")},
         version = version + 1
   WHERE id = OLD.enterprise_id
     AND NOT EXISTS (SELECT 1 FROM enterprise_figures f WHERE f.enterprise_id = OLD.enterprise_id AND f.year > OLD.year);
   END`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
