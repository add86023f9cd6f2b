import { describe, it, expect } from "vitest";
import {
  ACTIONS,
  ACTION_NAMES,
  REASON_CODES,
  REASON_NAMES,
  ROLES,
  STATUSES,
  STATUS_NAMES,
  TRANSITIONS,
  availableActions,
  canTransition,
  isOpen,
  nextStatus,
  requiresReason,
  type Action,
  type Role,
  type Status,
} from "../../app/domain/state-machine";

// Written from the diagram in app/README.md, independently of TRANSITIONS.
// status → action → resulting status (absent: the action does not apply).
const EXPECTED_NEXT: Record<Status, Partial<Record<Action, Status>>> = {
  draft: { edit: "draft", submit: "submitted" },
  submitted: {
    withdraw: "withdrawn",
    approve: "approved",
    reject: "rejected",
    return: "returned",
    opinion: "submitted",
    propose: "publicized",
  },
  // 公示中: approved when the notice closes clean; returned or rejected on an upheld objection.
  publicized: { approve: "approved", reject: "rejected", return: "returned" },
  returned: { edit: "returned", resubmit: "submitted", withdraw: "withdrawn" },
  approved: { revoke: "revoked" },
  rejected: {},
  withdrawn: {},
  revoked: {},
};

// Every permitted (role, status, action), as "role status action".
const ALLOWED = new Set([
  "enterprise draft edit",
  "enterprise draft submit",
  "enterprise returned edit",
  "enterprise returned resubmit",
  "enterprise returned withdraw",
  "enterprise submitted withdraw",

  "reviewer draft edit",
  "reviewer draft submit",
  "reviewer returned edit",
  "reviewer returned resubmit",
  "reviewer returned withdraw",
  "reviewer submitted withdraw",
  "reviewer submitted approve",
  "reviewer submitted reject",
  "reviewer submitted return",
  "reviewer approved revoke",
  "reviewer submitted propose",
  "reviewer publicized approve",
  "reviewer publicized reject",
  "reviewer publicized return",

  "admin draft edit",
  "admin draft submit",
  "admin returned edit",
  "admin returned resubmit",
  "admin returned withdraw",
  "admin submitted withdraw",
  "admin submitted approve",
  "admin submitted reject",
  "admin submitted return",
  "admin approved revoke",
  "admin submitted propose",
  "admin publicized approve",
  "admin publicized reject",
  "admin publicized return",

  "town_officer submitted opinion",
]);

describe("state machine, exhaustively", () => {
  it("covers 8 statuses, 10 actions and 4 roles", () => {
    expect(STATUSES).toHaveLength(8);
    expect(ACTIONS).toHaveLength(10);
    expect(ROLES).toHaveLength(4);
  });

  for (const status of STATUSES) {
    for (const action of ACTIONS) {
      it(`nextStatus(${status}, ${action})`, () => {
        expect(nextStatus(status, action)).toBe(EXPECTED_NEXT[status][action] ?? null);
      });
      for (const role of ROLES) {
        const allowed = ALLOWED.has(`${role} ${status} ${action}`);
        it(`${role} ${allowed ? "may" : "may not"} ${action} when ${status}`, () => {
          expect(canTransition(role, status, action)).toBe(allowed);
        });
      }
    }
  }

  it("never allows an action whose transition does not exist", () => {
    for (const key of ALLOWED) {
      const [, status, action] = key.split(" ") as [Role, Status, Action];
      expect(nextStatus(status, action)).not.toBeNull();
    }
  });

  it("lists available actions per role and status", () => {
    for (const role of ROLES) {
      for (const status of STATUSES) {
        const expected = ACTIONS.filter((a) => ALLOWED.has(`${role} ${status} ${a}`));
        expect(availableActions(role, status)).toEqual(expected);
      }
    }
    expect(availableActions("enterprise", "draft")).toEqual(["edit", "submit"]);
    expect(availableActions("town_officer", "submitted")).toEqual(["opinion"]);
    expect(availableActions("reviewer", "rejected")).toEqual([]);
  });

  it("has exactly one transition per action and each from-status once", () => {
    const actions = TRANSITIONS.map((t) => t.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect([...actions].sort()).toEqual([...ACTIONS].sort());
  });

  it("has terminal statuses rejected, withdrawn and revoked", () => {
    for (const status of ["rejected", "withdrawn", "revoked"] as const) {
      for (const role of ROLES) expect(availableActions(role, status)).toEqual([]);
    }
  });
});

describe("isOpen and requiresReason", () => {
  it("treats draft, submitted and returned as open", () => {
    expect(STATUSES.filter(isOpen)).toEqual(["draft", "submitted", "returned", "publicized"]);
  });
  it("requires a reason for reject and return only", () => {
    expect(ACTIONS.filter(requiresReason)).toEqual(["reject", "return"]);
  });
});

describe("names", () => {
  it("names every status, action and reason in both languages", () => {
    for (const s of STATUSES) expect(STATUS_NAMES[s].zh && STATUS_NAMES[s].en).toBeTruthy();
    for (const a of ACTIONS) expect(ACTION_NAMES[a].zh && ACTION_NAMES[a].en).toBeTruthy();
    for (const r of REASON_CODES) expect(REASON_NAMES[r].zh && REASON_NAMES[r].en).toBeTruthy();
  });
  it("uses the agreed Chinese labels", () => {
    expect(STATUSES.map((s) => STATUS_NAMES[s].zh)).toEqual(["草稿", "已提交", "退回修改", "已通过", "未通过", "已撤回", "已撤销", "公示中"]);
    expect(REASON_CODES.map((r) => REASON_NAMES[r].zh)).toEqual(["未达到申报条件", "佐证材料不全", "申报类别有误", "不属本区企业", "数据前后不一致", "其他"]);
  });
});
