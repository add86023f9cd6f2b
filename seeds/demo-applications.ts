/**
 * The demo's applications as rows: each planned case's payload (figures consistent with its
 * firm), its event history through the state machine, its evidence files.
 */
import type { Insertable, Kysely } from "kysely";
import type { ApplicationEventsTable, ApplicationsTable, DB } from "../db/schema";
import { LEVEL_NAMES, type Level, type TierCode } from "../app/domain/tiers";
import { nextStatus, type Action, type Status, type TownOpinion } from "../app/domain/state-machine";
import { DEFAULT_CHECKLISTS } from "./reference";
import { demoEvidence } from "./evidence";
import { chance, deriveSeed, int, mulberry32, pick, roundTo, shuffle, type Rng } from "./random";
import { DEMO_SEED, MINUTE, cstDate, insertChunks, iso, officeTime } from "./demo-common";
import { MAIN_PRODUCTS, digits, type Firm } from "./demo-firms";
import { LADDER_TIERS, reasonComment, type Case } from "./demo-plan";

// ───────────────────────────── payloads ─────────────────────────────

function yearRevenue(rng: Rng, f: Firm, year: number): number {
  const factor = Math.min(1, 0.76 + 0.06 * (year - 2022)) * (0.95 + rng() * 0.1);
  return roundTo(f.revenue * factor, 100);
}

/**
 * An application's payload with the keys of the shared contract (app/components/application-fields.tsx).
 * Every draw from `rng` happens in the same order as when the payloads were first written, so the
 * rest of the demo data stays the same; values added since come from their own sub-stream.
 */
function payloadFor(rng: Rng, f: Firm, tier: TierCode, year: number, level: Level | null, status: Status): Record<string, unknown> {
  const product = pick(rng, MAIN_PRODUCTS[f.industry]!);
  const revenueYuan = yearRevenue(rng, f, year - 1);
  const employees = Math.max(1, f.employees - int(rng, 0, Math.floor(f.employees / 10)));
  const extra = mulberry32(deriveSeed(DEMO_SEED, `payload:${f.id}:${tier}:${year}`));
  const decided = status !== "draft";
  const common: Record<string, unknown> = {
    contactName: f.contactName,
    contactPhone: f.contactPhone,
    description: `企业主要从事${product}的研发、生产和销售。`,
    // Submitted ones carry the ticked declaration; half the drafts have not ticked it yet.
    declaration: decided || chance(extra, 0.5),
  };
  switch (tier) {
    case "specialized-new": {
      const rd = roundTo(Math.max(f.rd ?? 0, revenueYuan * 0.02) * (0.9 + rng() * 0.1), 100);
      return {
        ...common,
        employees,
        revenueYuan,
        mainProduct: product,
        nicheYears: int(rng, 3, 18),
        mainBusinessRevenueYuan: roundTo(revenueYuan * (0.82 + rng() * 0.17), 100),
        rdExpenseYuan: rd,
        rdExpensePrevYuan: roundTo(rd * (0.8 + rng() * 0.2), 100),
        rdStaff: Math.max(2, Math.floor(f.employees * (0.08 + rng() * 0.12))),
        debtRatioPercent: Math.round((25 + rng() * 45) * 10) / 10,
        ipClass1: level === "national" ? int(rng, 4, 15) : int(rng, 0, 6),
        ipClass2: int(rng, 3, 40),
        equityFinancingYuan: chance(rng, 0.15) ? roundTo(20_000_000 + rng() * 60_000_000, 10_000) : 0,
        evaluationScore: int(rng, 58, 92),
        description: `企业深耕${product}细分市场，拥有自主知识产权，产品配套国内重点客户。`,
      };
    }
    case "scaled-up": {
      const payload: Record<string, unknown> = {
        ...common,
        route: pick(rng, ["cultivate", "introduce", "upgrade", "guide"]),
        priorYearRevenueYuan: roundTo(Math.min(revenueYuan, 19_800_000) * (0.7 + rng() * 0.3), 100),
        ytdRevenueYuan: roundTo(Math.max(f.revenue * (0.55 + rng() * 0.3), 12_000_000), 100),
        expectedMonth: `${year}-${String(int(rng, 6, 12)).padStart(2, "0")}`,
        description: `企业${product}产能持续释放，预计年内主营业务收入突破2000万元。`,
      };
      if (status === "approved" || status === "revoked") payload.intakeMonth = payload.expectedMonth;
      return payload;
    }
    case "green-factory": {
      const certs = ["iso9001", "iso14001", "iso45001", "iso50001"].filter((_, i) => i < 2 || chance(rng, 0.5));
      return {
        ...common,
        evaluatingBody: pick(rng, ["中国质量认证中心", "浙江省工业和信息化研究院", "浙江省节能协会", "舟山市节能监察中心"]),
        energyIntensity: Math.round((status === "rejected" ? 0.53 + rng() * 0.2 : 0.18 + rng() * 0.32) * 100) / 100,
        certificates: certs,
        dischargePermit: true,
        description: `企业实施清洁生产和节能降碳改造，${product}单位能耗逐年下降。`,
      };
    }
    case "listed": {
      const listed = status === "approved" || status === "revoked";
      const board = listed ? pick(rng, ["neeq", "regional", "bse"]) : pick(rng, ["regional", "neeq", "bse", "chinext"]);
      const payload: Record<string, unknown> = {
        ...common,
        board,
        stage: listed ? "listed" : pick(rng, ["shareholding-reform", "tutoring", "accepted"]),
      };
      if (listed) {
        payload.stockCode = board === "regional" ? `8${digits(rng, 5)}` : board === "bse" ? `83${digits(rng, 4)}` : `87${digits(rng, 4)}`;
        payload.listingDate = `${year}-${String(int(extra, 3, 11)).padStart(2, "0")}-${String(int(extra, 1, 28)).padStart(2, "0")}`;
      }
      pick(rng, ["财通证券", "浙商证券", "国信证券", "中信建投证券"]); // the sponsor, no longer stored
      payload.description = listed ? `企业主营${product}，已完成挂牌（上市），申请登记。` : `企业主营${product}，已启动规范化改制，拟在资本市场挂牌（上市）。`;
      return payload;
    }
    default: {
      // Former free-text fields, drawn and dropped to keep the stream: the checklist replaced them.
      shuffle(rng, [0, 1, 2, 3]);
      rng();
      const items = DEFAULT_CHECKLISTS[tier as keyof typeof DEFAULT_CHECKLISTS];
      const met = status === "approved" || status === "revoked";
      const checklist = Object.fromEntries(
        items.map(([code, , , required]) => [code, met && required ? true : status === "rejected" && required ? chance(extra, 0.6) : chance(extra, 0.75)]),
      );
      return { ...common, checklist };
    }
  }
}

// ───────────────────────────── materialising rows ─────────────────────────────

interface EventDraft {
  at: number;
  actor: string;
  action: string;
  from: Status | null;
  to: Status;
  comment: string | null;
  data: Record<string, unknown> | null;
}

interface Built {
  c: Case;
  events: EventDraft[];
  app: Omit<Insertable<ApplicationsTable>, "id" | "created_by" | "decided_by"> & { createdBy: string; decidedBy: string | null };
}

const SUBMIT_COMMENTS = ["提交申报", "已完成自评，提交申报", "提交申报材料，请审核"];
const RESUBMIT_COMMENTS = ["已按要求补充材料，重新提交", "已更正相关数据并补充证明材料"];
const WITHDRAW_COMMENTS = ["企业申请撤回，拟条件成熟后再行申报", "材料准备不足，主动撤回"];
const RECOMMEND_COMMENTS = ["经初审，企业情况属实，同意推荐", "材料齐全，数据真实，推荐申报", "企业近三年无重大安全环保事故，同意推荐"];
const NOT_RECOMMEND_COMMENTS = ["企业上年度存在安全生产问题，暂不推荐", "经核查申报数据与统计数据差异较大，不予推荐"];

export function buildApplication(rng: Rng, c: Case): Built {
  const status = c.status!;
  const applicant = c.firm.demo ? `ent-${c.firm.demo}` : "reviewer";
  const officer = `officer-${c.firm.town}`;

  const actions: Action[] = [];
  if (status !== "draft") {
    actions.push("submit");
    if (c.opinion) actions.push("opinion");
    if (status === "returned") actions.push("return");
    else if (c.returnFirst) actions.push("return", ...(status === "withdrawn" ? [] : (["resubmit"] as Action[])));
    if (status === "approved" || status === "revoked") actions.push("approve");
    if (status === "rejected") actions.push("reject");
    if (status === "withdrawn") actions.push("withdraw");
  }

  // Times: create at start, the last action at end, the others in between, all in office hours.
  const times: number[] = [];
  if (actions.length > 0) {
    const inner = actions
      .slice(0, -1)
      .map(() => c.start + rng() * (c.end - c.start))
      .sort((a, b) => a - b);
    for (const t of inner) times.push(officeTime(t));
    times.push(c.end);
  }
  let prev = c.start;
  for (let i = 0; i < times.length; i++) {
    if (times[i]! <= prev) times[i] = prev + MINUTE * int(rng, 5, 90);
    prev = times[i]!;
  }

  const events: EventDraft[] = [
    {
      at: c.start,
      actor: applicant,
      action: "create",
      from: null,
      to: "draft",
      comment: c.firm.demo ? "企业在线填报" : "区经信局根据企业纸质申报材料代为录入",
      data: null,
    },
  ];
  const levelZh = c.batch ? LEVEL_NAMES[c.level!].zh : "";
  let current: Status = "draft";
  let submittedAt: number | null = null;
  let decidedAt: number | null = null;
  let decidedBy: string | null = null;
  let decisionReason: string | null = null;
  let decisionComment: string | null = null;
  let townOpinion: TownOpinion | null = null;
  let townComment: string | null = null;

  const push = (action: Action, at: number, actor: string, comment: string | null, data: Record<string, unknown> | null) => {
    const to = nextStatus(current, action);
    if (!to) throw new Error(`seed plan: ${action} does not apply to ${current}`);
    events.push({ at, actor, action, from: current, to, comment, data });
    current = to;
  };

  actions.forEach((action, i) => {
    const at = times[i]!;
    const isFinal = i === actions.length - 1;
    switch (action) {
      case "submit":
      case "resubmit":
        push(action, at, applicant, pick(rng, action === "submit" ? SUBMIT_COMMENTS : RESUBMIT_COMMENTS), null);
        submittedAt = at;
        decidedAt = decidedBy = decisionReason = decisionComment = null;
        break;
      case "opinion": {
        const opinion = c.opinion!;
        const text = c.opinionText ?? pick(rng, opinion === "recommend" ? RECOMMEND_COMMENTS : NOT_RECOMMEND_COMMENTS);
        push(action, at, officer, text, { opinion });
        townOpinion = opinion;
        townComment = text;
        break;
      }
      case "return":
      case "reject": {
        const reason = isFinal ? c.reason! : c.returnReason!;
        const text = isFinal && c.reasonText ? c.reasonText : reasonComment(rng, reason, c.tier);
        push(action, at, c.decider, text, { reason });
        decidedAt = at;
        decidedBy = c.decider;
        decisionReason = reason;
        decisionComment = text;
        break;
      }
      case "approve": {
        const b = c.batch!;
        const text = c.level === "district" ? `经审核并公示无异议，同意认定（${b.docNo}）` : `${levelZh}认定结果已公布，予以登记（${b.docNo}）`;
        push(action, at, c.decider, text, { level: c.level, recognizedOn: b.date, documentNo: b.docNo });
        c.approvedAt = at;
        decidedAt = at;
        decidedBy = c.decider;
        decisionReason = decisionComment = null;
        break;
      }
      case "withdraw":
        push(action, at, applicant, pick(rng, WITHDRAW_COMMENTS), null);
        decidedAt = decidedBy = decisionReason = decisionComment = null;
        break;
      default:
        throw new Error(`seed plan: unexpected action ${action}`);
    }
  });

  if (c.revoke) {
    const actor = chance(rng, 0.3) ? "admin" : "reviewer";
    push("revoke", c.revoke.at, actor, c.revoke.reason, { revokedOn: cstDate(c.revoke.at) });
    decidedAt = c.revoke.at;
    decidedBy = actor;
    decisionReason = null;
    decisionComment = c.revoke.reason;
  }
  if (current !== status) throw new Error(`seed plan: built ${current}, wanted ${status}`);

  const last = events[events.length - 1]!.at;
  return {
    c,
    events,
    app: {
      enterprise_id: c.firm.id,
      tier_code: c.tier,
      year: c.year,
      level_sought: LADDER_TIERS.has(c.tier) ? c.level : "district",
      status,
      payload: JSON.stringify(payloadFor(rng, c.firm, c.tier, c.year, c.level, status)),
      eligibility: null,
      rule_version: null,
      town_opinion: townOpinion,
      town_comment: townComment,
      submitted_at: submittedAt === null ? null : iso(submittedAt),
      decided_at: decidedAt === null ? null : iso(decidedAt),
      decision_reason: decisionReason,
      decision_comment: decisionComment,
      version: events.length,
      created_at: iso(c.start),
      updated_at: iso(last),
      createdBy: applicant,
      decidedBy,
    },
  };
}

/**
 * Writes the applications (ids in order of creation), their evidence and their events; answers
 * each case's application id.
 */
export async function insertDemoApplications(
  trx: Kysely<DB>,
  built: readonly Built[],
  uid: (name: string | null) => number | null,
  uploadsDir: string | undefined,
): Promise<Map<Case, number>> {
  // Applications: ids in order of creation.
  const apps = built.map((b, i) => ({ b, i })).sort((x, y) => Date.parse(x.b.app.created_at) - Date.parse(y.b.app.created_at) || x.i - y.i);
  const appIdOf = new Map<Case, number>();
  const appRows: Insertable<ApplicationsTable>[] = apps.map(({ b }, i) => {
    appIdOf.set(b.c, i + 1);
    const { createdBy, decidedBy, ...rest } = b.app;
    return { id: i + 1, ...rest, created_by: uid(createdBy), decided_by: uid(decidedBy) };
  });
  await insertChunks(trx, "applications", appRows);
  // Every application that was ever submitted carries its tier's required evidence.
  const evidence = demoEvidence(
    appRows.filter((r) => r.submitted_at).map((r) => ({ id: Number(r.id), tierCode: r.tier_code, createdAt: r.created_at, createdBy: r.created_by ?? null })),
    uploadsDir,
  );
  await insertChunks(
    trx,
    "attachments",
    evidence.map((row, i) => ({ id: i + 1, ...row })),
  );

  // Events: ids in order of time across all applications (an append-only log).
  const events = apps.flatMap(({ b }) => b.events.map((e, seq) => ({ e, appId: appIdOf.get(b.c)!, seq }))).sort((x, y) => x.e.at - y.e.at || x.appId - y.appId || x.seq - y.seq);
  const eventRows: Insertable<ApplicationEventsTable>[] = events.map(({ e, appId }, i) => ({
    id: i + 1,
    application_id: appId,
    at: iso(e.at),
    actor_id: uid(e.actor),
    action: e.action,
    from_status: e.from,
    to_status: e.to,
    comment: e.comment,
    data: e.data === null ? null : JSON.stringify(e.data),
  }));
  await insertChunks(trx, "application_events", eventRows);
  return appIdOf;
}
