import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001_initial";
import * as m0002 from "./0002_progress_counters";
import * as m0003 from "./0003_tier_checklists";
import * as m0004 from "./0004_audit_address";
import * as m0005 from "./0005_performance";
import * as m0006 from "./0006_province_dashboard";
import * as m0007 from "./0007_invalid_dates";
import * as m0008 from "./0008_counter_slots";
import * as m0009 from "./0009_pipeline_levels";
import * as m0010 from "./0010_job_leases";
import * as m0011 from "./0011_yearly_figures";
import * as m0012 from "./0012_cultivation";
import * as m0013 from "./0013_required_evidence";
import * as m0014 from "./0014_notifications";
import * as m0015 from "./0015_award_validity";
import * as m0016 from "./0016_public_notice";
import * as m0017 from "./0017_pipeline_level_counters";
import * as m0018 from "./0018_objection_files";
import * as m0019 from "./0019_discovery_runs";
import * as m0020 from "./0020_discovery_results_lean";
import * as m0021 from "./0021_award_expiry_counters";
import * as m0022 from "./0022_award_expiry_months";

/**
 * Migrations listed in code: Kysely's FileMigrationProvider cannot find files inside the
 * Remix server bundle or under vitest. Add each new migration here, in order.
 */
const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_progress_counters": m0002,
  "0003_tier_checklists": m0003,
  "0004_audit_address": m0004,
  "0005_performance": m0005,
  "0006_province_dashboard": m0006,
  "0007_invalid_dates": m0007,
  "0008_counter_slots": m0008,
  "0009_pipeline_levels": m0009,
  "0010_job_leases": m0010,
  "0011_yearly_figures": m0011,
  "0012_cultivation": m0012,
  "0013_required_evidence": m0013,
  "0014_notifications": m0014,
  "0015_award_validity": m0015,
  "0016_public_notice": m0016,
  "0017_pipeline_level_counters": m0017,
  "0018_objection_files": m0018,
  "0019_discovery_runs": m0019,
  "0020_discovery_results_lean": m0020,
  "0021_award_expiry_counters": m0021,
  "0022_award_expiry_months": m0022,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
