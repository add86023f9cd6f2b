import type { ColumnType, Generated } from "kysely";

/** Columns the database fills on insert (autoincrement ids). */
type Id = Generated<number>;

export interface TownsTable {
  code: string;
  name_zh: string;
  name_en: string;
  kind: "street" | "town";
  managed_by: "district" | "xincheng";
  sort: number;
}

export interface IndustriesTable {
  code: string;
  name_zh: string;
  name_en: string;
  role: "core" | "leading" | "emerging" | "other";
  manufacturing: number;
  sort: number;
}

export interface TiersTable {
  code: string;
  name_zh: string;
  name_en: string;
  counting_level: LevelColumn;
  sort: number;
}

export type LevelColumn = "national" | "provincial" | "municipal" | "district";
export type RoleColumn = "enterprise" | "town_officer" | "reviewer" | "admin";
export type StatusColumn = "draft" | "submitted" | "returned" | "approved" | "rejected" | "withdrawn" | "revoked" | "publicized";

export interface TargetsTable {
  year: number;
  tier_code: string;
  target_count: number;
  updated_by: number | null;
  updated_at: string;
}

export interface EnterprisesTable {
  id: Id;
  uscc: string;
  name: string;
  town_code: string;
  industry_code: string;
  platform: string | null;
  above_scale: number;
  address: string | null;
  legal_rep: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  employees: number | null;
  revenue_yuan: number | null;
  rd_expense_yuan: number | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

/** Per tier: how long a recognition stays valid and its renewal window (0015). */
export interface TierValidityTable {
  tier_code: string;
  validity_months: number | null;
  renew_before_days: number;
  renew_after_days: number;
  updated_by: number | null;
  updated_at: string;
}

export interface AwardsTable {
  id: Id;
  enterprise_id: number;
  tier_code: string;
  level: LevelColumn;
  year: number;
  recognized_on: string | null;
  valid_until: string | null;
  document_no: string | null;
  application_id: number | null;
  revoked_on: string | null;
  revoked_reason: string | null;
  created_by: number | null;
  created_at: string;
  /** The award this one renews (复核); set on insert, never changed (0015). */
  renews_award_id: number | null;
  /** The day the award was superseded by its renewal (0015). */
  ended_on: string | null;
}

export interface ApplicationsTable {
  id: Id;
  enterprise_id: number;
  tier_code: string;
  year: number;
  level_sought: LevelColumn | null;
  status: StatusColumn;
  payload: string;
  eligibility: string | null;
  rule_version: string | null;
  town_opinion: "recommend" | "not-recommend" | null;
  town_comment: string | null;
  submitted_at: string | null;
  decided_at: string | null;
  decided_by: number | null;
  decision_reason: string | null;
  decision_comment: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  /** The award this application asks to renew (复核), if it is a renewal (0015). */
  renews_award_id: number | null;
}

export interface ApplicationEventsTable {
  id: Id;
  application_id: number;
  at: string;
  actor_id: number | null;
  action: string;
  from_status: StatusColumn | null;
  to_status: StatusColumn | null;
  comment: string | null;
  data: string | null;
}

export interface AttachmentsTable {
  id: Id;
  application_id: number;
  kind: string;
  original_name: string;
  mime: string;
  size: number;
  sha256: string;
  storage_key: string;
  uploaded_by: number | null;
  uploaded_at: string;
  deleted_at: string | null;
}

export interface UsersTable {
  id: Id;
  username: string;
  display_name: string;
  role: RoleColumn;
  enterprise_id: number | null;
  town_code: string | null;
  password_hash: string;
  must_change_password: ColumnType<number, number | undefined, number>;
  disabled_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface AuditLogTable {
  id: Id;
  at: string;
  actor_id: number | null;
  action: string;
  subject: string | null;
  data: string | null;
  address: string | null;
}

/** Applications per (year, tier, town of the firm, status); kept by triggers (0002). */
export interface ProgressApplicationCountsTable {
  year: number;
  tier_code: string;
  town_code: string;
  status: StatusColumn;
  n: number;
}

/** Live (non-revoked) awards per (year, tier, town of the firm, level); kept by triggers (0002). */
export interface ProgressAwardCountsTable {
  year: number;
  tier_code: string;
  town_code: string;
  level: LevelColumn;
  n: number;
}

/** Clean-beauty coverage per town: eligible firms and those covered; kept by triggers (0005). */
export interface ProgressCoverageCountsTable {
  town_code: string;
  total: number;
  covered: number;
}

/** Applications per (year, tier, status), district-wide; kept by triggers (0005). */
export interface ApplicationStatusTotalsTable {
  year: number;
  tier_code: string;
  status: StatusColumn;
  /** enterprise_id % 8: writers of different firms update different rows (0008); sum to read. */
  slot: number;
  n: number;
}

/** Live (non-revoked) awards per (year, tier, level), district-wide; kept by triggers (0006). */
export interface AwardLevelTotalsTable {
  year: number;
  tier_code: string;
  level: LevelColumn;
  /** enterprise_id % 8, as application_status_totals (0008); sum to read. */
  slot: number;
  n: number;
}

/**
 * Applications in review (submitted, returned, publicized) per (year, tier, town, level sought);
 * '' for no level sought. Kept by triggers (0017).
 */
export interface PipelineLevelCountsTable {
  year: number;
  tier_code: string;
  town_code: string;
  level_sought: string;
  n: number;
}

/** The same district-wide, slotted by firm as application_status_totals (0017); sum to read. */
/** 0021: current and renewed awards per (tier, end of validity, kind, slot), for the renewal table. */
export interface AwardExpiryCountsTable {
  tier_code: string;
  valid_until: string;
  kind: "current" | "renewed";
  slot: number;
  n: number;
}

/** 0022: award_expiry_counts summed by the month the validity ends (`month` YYYY-MM). */
export interface AwardExpiryMonthsTable {
  tier_code: string;
  month: string;
  kind: "current" | "renewed";
  slot: number;
  n: number;
}

export interface PipelineLevelTotalsTable {
  year: number;
  tier_code: string;
  level_sought: string;
  slot: number;
  n: number;
}

export type FiguresSourceColumn = "import" | "enterprise" | "bureau";

/**
 * A firm's business figures of one year (0011); money in integer yuan, net profit may be
 * negative. The latest year's revenue, R&D expense and employees are copied onto the firm's row
 * by triggers.
 */
export interface EnterpriseFiguresTable {
  id: Id;
  enterprise_id: number;
  year: number;
  revenue_yuan: number | null;
  main_business_revenue_yuan: number | null;
  rd_expense_yuan: number | null;
  employees: number | null;
  rd_staff: number | null;
  total_assets_yuan: number | null;
  total_liabilities_yuan: number | null;
  net_profit_yuan: number | null;
  equity_financing_yuan: number | null;
  invention_patents: number | null;
  ip_class1: number | null;
  ip_class2: number | null;
  niche_years: number | null;
  source: FiguresSourceColumn;
  updated_by: number | null;
  updated_at: string;
  version: ColumnType<number, number | undefined, number>;
}

/** Who runs a scheduled job now, until when (0010). */
export interface JobLeasesTable {
  name: string;
  holder: string;
  acquired_at: string;
  expires_at: string;
}

/** Exceptions to the Monday-to-Friday week: holidays and make-up working days (0014). */
export interface CalendarExceptionsTable {
  date: string;
  kind: "holiday" | "workday";
  name_zh: string;
  name_en: string;
  updated_by: number | null;
  updated_at: string;
}

/** A user's inbox; one row per (recipient_id, event_key) (0014). */
export interface NotificationsTable {
  id: Id;
  recipient_id: number;
  kind: string;
  event_key: string;
  enterprise_id: number | null;
  /** JSON: the message's parameters. */
  params: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

/** How a user wants e-mail: each notification at once, a daily digest, or none (0014). */
export interface NotificationSettingsTable {
  user_id: number;
  email: string | null;
  email_mode: "immediate" | "digest" | "off";
  updated_at: string;
}

/** E-mail waiting to be sent, being sent, sent or given up (0014); one row per event_key. */
export interface EmailOutboxTable {
  id: Id;
  event_key: string;
  notification_id: number | null;
  recipient_id: number;
  to_address: string;
  subject: string;
  body: string;
  status: "pending" | "sending" | "sent" | "failed";
  attempts: Generated<number>;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** When each scheduled job last ran, and what it did (0014). */
export interface JobRunsTable {
  name: string;
  last_started_at: string;
  last_finished_at: string | null;
  last_counts: string | null;
}

/** Items of the bureau-kept checklist of a district factory tier (0003); archived, never deleted. */
export interface TierChecklistItemsTable {
  id: Id;
  tier_code: string;
  code: string;
  label_zh: string;
  label_en: string;
  required: number;
  sort: number;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
  updated_by: number | null;
}

/** A firm in the cultivation pool (培育库) of one tier (0012). */
export interface PoolEntriesTable {
  id: Id;
  enterprise_id: number;
  tier_code: string;
  target_year: number;
  route: "nurture" | "introduce" | "upgrade" | "guide" | null;
  officer_id: number | null;
  entered_on: string;
  status: "cultivating" | "applied" | "recognized" | "exited";
  exit_reason: "promoted" | "no-longer-eligible" | "firm-declined" | "moved-out" | "other" | null;
  exit_note: string | null;
  exited_on: string | null;
  notes: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** A task of a pool entry's plan (一企一策) (0012). */
export interface PoolTasksTable {
  id: Id;
  entry_id: number;
  title: string;
  owner: string | null;
  due_on: string | null;
  status: "open" | "in-progress" | "done";
  notes: string | null;
  done_on: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** A visit to a pooled firm (走访记录) (0012). */
export interface PoolVisitsTable {
  id: Id;
  entry_id: number;
  visited_on: string;
  visitor: string;
  findings: string;
  created_by: number | null;
  created_at: string;
}

/** A town's share of the district's yearly target of a tier (目标分解) (0012). */
export interface TownTargetsTable {
  year: number;
  tier_code: string;
  town_code: string;
  target_count: number;
  updated_by: number | null;
  updated_at: string;
}

/** Which evidence kinds each tier requires at submission (0013); one row per tier and kind. */
export interface TierEvidenceKindsTable {
  tier_code: string;
  kind: string;
  required: number;
  updated_at: string;
  updated_by: number | null;
}

export interface DB {
  towns: TownsTable;
  industries: IndustriesTable;
  tiers: TiersTable;
  targets: TargetsTable;
  enterprises: EnterprisesTable;
  awards: AwardsTable;
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  attachments: AttachmentsTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  tier_checklist_items: TierChecklistItemsTable;
  tier_evidence_kinds: TierEvidenceKindsTable;
  tier_validity: TierValidityTable;
  progress_application_counts: ProgressApplicationCountsTable;
  progress_award_counts: ProgressAwardCountsTable;
  progress_coverage_counts: ProgressCoverageCountsTable;
  application_status_totals: ApplicationStatusTotalsTable;
  job_leases: JobLeasesTable;
  enterprise_figures: EnterpriseFiguresTable;
  award_level_totals: AwardLevelTotalsTable;
  pipeline_level_counts: PipelineLevelCountsTable;
  pipeline_level_totals: PipelineLevelTotalsTable;
  award_expiry_counts: AwardExpiryCountsTable;
  award_expiry_months: AwardExpiryMonthsTable;
  calendar_exceptions: CalendarExceptionsTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  email_outbox: EmailOutboxTable;
  job_runs: JobRunsTable;
  pool_entries: PoolEntriesTable;
  pool_tasks: PoolTasksTable;
  pool_visits: PoolVisitsTable;
  town_targets: TownTargetsTable;
  tier_notice_settings: TierNoticeSettingsTable;
  notice_batches: NoticeBatchesTable;
  notice_items: NoticeItemsTable;
  notice_objections: NoticeObjectionsTable;
  discovery_runs: DiscoveryRunsTable;
  discovery_results: DiscoveryResultsTable;
}

/** A stored discovery run (0019): scope 'district' or a town code; status queued → running → done | failed. */
export interface DiscoveryRunsTable {
  id: Id;
  tier_code: string;
  year: number;
  scope: string;
  rule_version: string;
  status: "queued" | "running" | "done" | "failed";
  done: ColumnType<number, number | undefined, number>;
  total: ColumnType<number, number | undefined, number>;
  meets: ColumnType<number, number | undefined, number>;
  near: ColumnType<number, number | undefined, number>;
  /** The last firm id whose results are committed; a run taken over resumes after it. */
  cursor: ColumnType<number, number | undefined, number>;
  /** JSON: criterion key → its label and need, shared by the run's results. */
  criteria: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  started_by: number | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  lease_holder: string | null;
  lease_expires_at: string | null;
}

/** A candidate found by a discovery run (0019); missing and to_confirm are JSON text. */
export interface DiscoveryResultsTable {
  run_id: number;
  enterprise_id: number;
  verdict: "meets" | "near";
  missing_count: number;
  confirm_count: number;
  missing: string;
  to_confirm: string;
  town_code: string;
  industry_code: string;
  name: string;
}

/** Per tier: whether its recognitions go through public notice, for how many working days (0016). */
export interface TierNoticeSettingsTable {
  tier_code: string;
  enabled: number;
  working_days: number;
  updated_by: number | null;
  updated_at: string;
}

/** A public notice (公示) of proposed recognitions and its objection window (0016). */
export interface NoticeBatchesTable {
  id: Id;
  title: string;
  starts_on: string;
  ends_on: string;
  working_days: number;
  office: string;
  phone: string;
  created_by: number | null;
  created_at: string;
  /** When the closing job finished with the batch; null while open or not yet processed. */
  closed_at: string | null;
}

export interface NoticeItemsTable {
  batch_id: number;
  application_id: number;
  position: number;
}

/** A written objection to an application in a notice, and its resolution (0016). */
export interface NoticeObjectionsTable {
  id: Id;
  reference: string;
  batch_id: number;
  application_id: number;
  name: string;
  phone: string;
  reason: string;
  address: string | null;
  status: "pending" | "upheld" | "dismissed";
  resolution: string | null;
  resolved_by: number | null;
  resolved_at: string | null;
  created_at: string;
  /** The attached file (0018): display name, type, size, SHA-256 and storage key, all or none. */
  file_name: string | null;
  file_mime: "application/pdf" | "image/jpeg" | "image/png" | null;
  file_size: number | null;
  file_sha256: string | null;
  file_key: string | null;
}
