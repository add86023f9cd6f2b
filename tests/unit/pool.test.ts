import { describe, expect, it } from "vitest";
import { checkPoolChange, funnel, initialPoolStatus, isOverdue, POOL_STATUSES, poolStatusAfterApplication, splitShortfall } from "~/domain/pool";
import { ACTIONS, nextStatus, STATUSES } from "~/domain/state-machine";

describe("pool status following applications", () => {
  it("submitting makes a cultivating entry applied; approval makes it recognized", () => {
    expect(poolStatusAfterApplication("cultivating", "submit", "submitted")).toBe("applied");
    expect(poolStatusAfterApplication("cultivating", "resubmit", "submitted")).toBe("applied");
    expect(poolStatusAfterApplication("applied", "approve", "approved")).toBe("recognized");
    expect(poolStatusAfterApplication("cultivating", "approve", "approved")).toBe("recognized");
  });

  it("withdrawal and rejection bring an applied entry back; a return keeps it applied", () => {
    expect(poolStatusAfterApplication("applied", "withdraw", "withdrawn")).toBe("cultivating");
    expect(poolStatusAfterApplication("applied", "reject", "rejected")).toBe("cultivating");
    expect(poolStatusAfterApplication("applied", "return", "returned")).toBeNull();
    expect(poolStatusAfterApplication("applied", "edit", "returned")).toBeNull();
    expect(poolStatusAfterApplication("applied", "opinion", "submitted")).toBeNull();
  });

  it("revocation brings a recognized entry back to cultivating", () => {
    expect(poolStatusAfterApplication("recognized", "revoke", "revoked")).toBe("cultivating");
    expect(poolStatusAfterApplication("applied", "revoke", "revoked")).toBeNull();
  });

  it("a recognized entry is not moved back by a later submission", () => {
    expect(poolStatusAfterApplication("recognized", "submit", "submitted")).toBeNull();
    expect(poolStatusAfterApplication("recognized", "withdraw", "withdrawn")).toBeNull();
  });

  it("never moves an exited entry, and never answers the status it already has", () => {
    for (const action of ACTIONS) {
      for (const from of STATUSES) {
        const to = nextStatus(from, action);
        if (!to) continue;
        expect(poolStatusAfterApplication("exited", action, to)).toBeNull();
        for (const current of POOL_STATUSES) {
          const next = poolStatusAfterApplication(current, action, to);
          expect(next === null || (next !== current && next !== "exited")).toBe(true);
        }
      }
    }
  });
});

describe("manual changes", () => {
  it("exiting needs a reason, and 'other' a note", () => {
    expect(checkPoolChange("cultivating", "exited", { reason: null, note: null })).toEqual({ ok: false, error: "reason-required" });
    expect(checkPoolChange("cultivating", "exited", { reason: "other", note: "  " })).toEqual({ ok: false, error: "note-required" });
    expect(checkPoolChange("cultivating", "exited", { reason: "other", note: "合并重组" })).toEqual({ ok: true });
    expect(checkPoolChange("applied", "exited", { reason: "moved-out", note: null })).toEqual({ ok: true });
  });

  it("an exited entry is final; a reason without exiting is refused; the same status is no change", () => {
    expect(checkPoolChange("exited", "cultivating", { reason: null, note: null })).toEqual({ ok: false, error: "exited" });
    expect(checkPoolChange("cultivating", "applied", { reason: "promoted", note: null })).toEqual({ ok: false, error: "reason-not-allowed" });
    expect(checkPoolChange("applied", "applied", { reason: null, note: null })).toEqual({ ok: false, error: "same" });
    expect(checkPoolChange("cultivating", "recognized", { reason: null, note: null })).toEqual({ ok: true });
  });
});

describe("starting status, overdue tasks, funnel and split", () => {
  it("starts from the firm's standing", () => {
    expect(initialPoolStatus({ recognized: true, inReview: true })).toBe("recognized");
    expect(initialPoolStatus({ recognized: false, inReview: true })).toBe("applied");
    expect(initialPoolStatus({ recognized: false, inReview: false })).toBe("cultivating");
  });

  it("a task is overdue only when open past its due date", () => {
    expect(isOverdue({ status: "open", dueOn: "2026-11-26" }, "2026-11-27")).toBe(true);
    expect(isOverdue({ status: "in-progress", dueOn: "2026-11-27" }, "2026-11-27")).toBe(false);
    expect(isOverdue({ status: "done", dueOn: "2026-01-01" }, "2026-11-27")).toBe(false);
    expect(isOverdue({ status: "open", dueOn: null }, "2026-11-27")).toBe(false);
  });

  it("says whether pool and pipeline can close the gap", () => {
    expect(funnel({ target: 20, achieved: 8, pipeline: 5, pool: 14 })).toMatchObject({ gap: 12, inSight: 19, enough: true, short: 0 });
    expect(funnel({ target: 20, achieved: 8, pipeline: 2, pool: 3 })).toMatchObject({ gap: 12, enough: false, short: 7 });
    expect(funnel({ target: 3, achieved: 5, pipeline: 0, pool: 0 })).toMatchObject({ gap: 0, enough: true, short: 0 });
  });

  it("measures a town split's shortfall", () => {
    expect(splitShortfall(12, [3, 3, 3, 2])).toEqual({ sum: 11, shortfall: 1 });
    expect(splitShortfall(12, [6, 7])).toEqual({ sum: 13, shortfall: 0 });
    expect(splitShortfall(0, [])).toEqual({ sum: 0, shortfall: 0 });
  });
});
