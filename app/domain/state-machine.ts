/**
 * The application state machine (drawn in app/README.md). One table says which action moves which
 * status and who may take it; everything else here is derived from it.
 *
 * Role checks only: whether the caller owns the application (enterprise) or the firm is in the
 * caller's town (town officer) is scope, enforced by the models.
 */

export const STATUSES = ["draft", "submitted", "returned", "approved", "rejected", "withdrawn", "revoked", "publicized"] as const;
export type Status = (typeof STATUSES)[number];

/** The pipeline: applications awaiting a decision or a firm's corrections. */
export const PIPELINE_STATUSES = ["submitted", "returned", "publicized"] as const satisfies readonly Status[];

export const ACTIONS = ["edit", "submit", "resubmit", "withdraw", "approve", "reject", "return", "revoke", "opinion", "propose"] as const;
export type Action = (typeof ACTIONS)[number];

export const ROLES = ["enterprise", "town_officer", "reviewer", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Transition {
  action: Action;
  from: readonly Status[];
  /** "same": the action is recorded as an event but leaves the status unchanged. */
  to: Status | "same";
  roles: readonly Role[];
}

const APPLICANT: readonly Role[] = ["enterprise", "reviewer", "admin"];
const DECIDER: readonly Role[] = ["reviewer", "admin"];

export const TRANSITIONS: readonly Transition[] = [
  { action: "edit", from: ["draft", "returned"], to: "same", roles: APPLICANT },
  { action: "submit", from: ["draft"], to: "submitted", roles: APPLICANT },
  { action: "resubmit", from: ["returned"], to: "submitted", roles: APPLICANT },
  { action: "withdraw", from: ["submitted", "returned"], to: "withdrawn", roles: APPLICANT },
  // 拟认定: into a public notice (公示) batch; approved when its window closes without an
  // objection standing (a scheduled job), or returned or rejected on an upheld objection.
  { action: "propose", from: ["submitted"], to: "publicized", roles: DECIDER },
  { action: "approve", from: ["submitted", "publicized"], to: "approved", roles: DECIDER },
  { action: "reject", from: ["submitted", "publicized"], to: "rejected", roles: DECIDER },
  { action: "return", from: ["submitted", "publicized"], to: "returned", roles: DECIDER },
  { action: "revoke", from: ["approved"], to: "revoked", roles: DECIDER },
  { action: "opinion", from: ["submitted"], to: "same", roles: ["town_officer"] },
];

function findTransition(status: Status, action: Action): Transition | undefined {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(status));
}

/** The status after `action`, or null when the action does not apply to `status`. */
export function nextStatus(status: Status, action: Action): Status | null {
  const t = findTransition(status, action);
  if (!t) return null;
  return t.to === "same" ? status : t.to;
}

export function canTransition(role: Role, status: Status, action: Action): boolean {
  const t = findTransition(status, action);
  return t !== undefined && t.roles.includes(role);
}

/** Actions `role` may take on an application in `status`, in ACTIONS order. */
export function availableActions(role: Role, status: Status): Action[] {
  return ACTIONS.filter((a) => canTransition(role, status, a));
}

/** Still in progress: not yet decided, withdrawn or revoked. */
export function isOpen(status: Status): boolean {
  return status === "draft" || status === "submitted" || status === "returned" || status === "publicized";
}

/** Actions that must carry a reason code and a comment telling the firm what to fix. */
export function requiresReason(action: Action): boolean {
  return action === "reject" || action === "return";
}

export function isStatus(x: unknown): x is Status {
  return typeof x === "string" && (STATUSES as readonly string[]).includes(x);
}
export function isAction(x: unknown): x is Action {
  return typeof x === "string" && (ACTIONS as readonly string[]).includes(x);
}
export function isRole(x: unknown): x is Role {
  return typeof x === "string" && (ROLES as readonly string[]).includes(x);
}

type Names<K extends string> = Record<K, { zh: string; en: string }>;

export const STATUS_NAMES: Names<Status> = {
  draft: { zh: "草稿", en: "Draft" },
  submitted: { zh: "已提交", en: "Submitted" },
  returned: { zh: "退回修改", en: "Returned" },
  approved: { zh: "已通过", en: "Approved" },
  rejected: { zh: "未通过", en: "Rejected" },
  withdrawn: { zh: "已撤回", en: "Withdrawn" },
  revoked: { zh: "已撤销", en: "Revoked" },
  publicized: { zh: "公示中", en: "In public notice" },
};

export const ACTION_NAMES: Names<Action> = {
  edit: { zh: "编辑", en: "Edit" },
  submit: { zh: "提交", en: "Submit" },
  resubmit: { zh: "重新提交", en: "Resubmit" },
  withdraw: { zh: "撤回", en: "Withdraw" },
  approve: { zh: "通过", en: "Approve" },
  reject: { zh: "不予通过", en: "Reject" },
  return: { zh: "退回修改", en: "Return for revision" },
  revoke: { zh: "撤销认定", en: "Revoke" },
  opinion: { zh: "推荐意见", en: "Recommendation opinion" },
  propose: { zh: "拟认定（公示）", en: "Propose (public notice)" },
};

export const ROLE_NAMES: Names<Role> = {
  enterprise: { zh: "企业", en: "Enterprise" },
  town_officer: { zh: "镇（街道）工作人员", en: "Town officer" },
  reviewer: { zh: "区经信局审核人员", en: "Reviewer" },
  admin: { zh: "系统管理员", en: "Administrator" },
};

/** Reason codes for reject and return. */
export const REASON_CODES = ["threshold-not-met", "evidence-missing", "wrong-tier", "outside-district", "data-inconsistent", "other"] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const REASON_NAMES: Names<ReasonCode> = {
  "threshold-not-met": { zh: "未达到申报条件", en: "Threshold not met" },
  "evidence-missing": { zh: "佐证材料不全", en: "Evidence missing" },
  "wrong-tier": { zh: "申报类别有误", en: "Wrong tier" },
  "outside-district": { zh: "不属本区企业", en: "Not a firm of this district" },
  "data-inconsistent": { zh: "数据前后不一致", en: "Inconsistent data" },
  other: { zh: "其他", en: "Other" },
};

export function isReasonCode(x: unknown): x is ReasonCode {
  return typeof x === "string" && (REASON_CODES as readonly string[]).includes(x);
}

/** A town officer's recommendation on a submitted application (an event, not a status). */
export const TOWN_OPINIONS = ["recommend", "not-recommend"] as const;
export type TownOpinion = (typeof TOWN_OPINIONS)[number];

export const TOWN_OPINION_NAMES: Names<TownOpinion> = {
  recommend: { zh: "推荐", en: "Recommend" },
  "not-recommend": { zh: "不推荐", en: "Do not recommend" },
};

export function isTownOpinion(x: unknown): x is TownOpinion {
  return typeof x === "string" && (TOWN_OPINIONS as readonly string[]).includes(x);
}
