import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001_initial";
import * as m0004 from "./0004_audit_address";

/**
 * Migrations listed in code: Kysely's FileMigrationProvider cannot find files inside the
 * Remix server bundle or under vitest. Add each new migration here, in order.
 */
const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0004_audit_address": m0004,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
