import { describe, expect, it } from "vitest";
import { JOBS, schedulerIntervalMs } from "../../app/jobs/scheduler";
import { backoffMs, OUTBOX_POLICY } from "../../app/models/outbox.server";
import { notificationTitle } from "../../app/utils/notification-text";

describe("the scheduler's settings", () => {
  it("reads JOBS_INTERVAL_SECONDS: 300 s by default, 0 off, nonsense refused with the variable named", () => {
    expect(schedulerIntervalMs({})).toBe(300_000);
    expect(schedulerIntervalMs({ JOBS_INTERVAL_SECONDS: "0" })).toBe(0);
    expect(schedulerIntervalMs({ JOBS_INTERVAL_SECONDS: "2.5" })).toBe(2500);
    for (const bad of ["-1", "abc", "Infinity"]) expect(() => schedulerIntervalMs({ JOBS_INTERVAL_SECONDS: bad })).toThrow(/JOBS_INTERVAL_SECONDS/);
  });
  it("has each job once, delivery last so that a run sends what it queued", () => {
    expect(new Set(JOBS.map((j) => j.name)).size).toBe(JOBS.length);
    expect(JOBS.at(-1)!.name).toBe("email-delivery");
  });
  it("backs off 1, 2, 4, 8, 16 minutes between the six attempts", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n) / 60_000)).toEqual([1, 2, 4, 8, 16]);
    expect(OUTBOX_POLICY.maxAttempts).toBe(6);
  });
});

describe("notification text", () => {
  it("says each kind in both languages with the tier's name, and something neutral for an unknown kind", () => {
    const params = { firm: "舟山测试有限公司", tierCode: "specialized-new", year: 2026 };
    expect(notificationTitle("zh", "application.returned", params)).toBe("舟山测试有限公司的专精特新中小企业（2026年）申报已退回修改");
    expect(notificationTitle("en", "application.approved", params)).toMatch(/^The .+ application \(2026\) of 舟山测试有限公司 was approved$/);
    expect(notificationTitle("en", "queue.overdue", { n: 1, oldest: "2026-11-02" })).toContain("1 application has waited");
    expect(notificationTitle("zh", "no.such.kind", {})).toBe("系统消息");
  });
});
