import { z } from "zod";
import { parseIsoDate } from "~/domain/dates";
import { EXIT_REASONS, POOL_ROUTES, POOL_STATUSES, TASK_STATUSES } from "~/domain/pool";
import { TIER_CODES } from "~/domain/tiers";
import { POOL_SORTS, type PoolFilters } from "~/models/pool.server";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

/**
 * Forms and query strings of the cultivation pages. Text may hold any letters, punctuation and
 * (in multi-line fields) line breaks, but no control, format or private-use characters (which
 * hide text or reorder it on screen), and no more than its field's length.
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\uFFFD]/u;

function text(lang: Lang, max: number, options: { required: boolean; multiline?: boolean }) {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  return z
    .string()
    .optional()
    .transform((raw, ctx): string | null => {
      let value = (raw ?? "").replace(/\r\n?/g, "\n").trim();
      if (!options.multiline) value = value.replace(/\s+/gu, " ");
      if (value === "") {
        if (options.required) {
          ctx.addIssue({ code: "custom", message: t("pool.err.required") });
          return z.NEVER;
        }
        return null;
      }
      const chars = Array.from(value);
      if (chars.length > max || chars.some((ch) => ch !== "\n" && FORBIDDEN.test(ch))) {
        ctx.addIssue({ code: "custom", message: t("pool.err.text", { max }) });
        return z.NEVER;
      }
      return value;
    });
}

function date(lang: Lang, required: boolean) {
  const message = translate(lang, "pool.err.date");
  return z
    .string()
    .optional()
    .transform((raw, ctx): string | null => {
      const value = (raw ?? "").trim();
      if (value === "" && !required) return null;
      const parsed = parseIsoDate(value);
      if (!parsed) {
        ctx.addIssue({ code: "custom", message: value === "" ? translate(lang, "pool.err.required") : message });
        return z.NEVER;
      }
      return parsed;
    });
}

function year(lang: Lang) {
  const message = translate(lang, "pool.err.year");
  return z
    .string({ error: message })
    .trim()
    .regex(/^\d{4}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(2000, message).max(2100, message));
}

function id(message: string) {
  return z
    .string({ error: message })
    .trim()
    .regex(/^[1-9]\d{0,14}$/, message)
    .transform(Number);
}

function optionalId(message: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): number | null => {
      const value = (raw ?? "").trim();
      if (value === "") return null;
      if (!/^[1-9]\d{0,14}$/.test(value)) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return Number(value);
    });
}

function optionalEnum<T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T[number] | null => {
      const value = (raw ?? "").trim();
      if (value === "") return null;
      if (!(values as readonly string[]).includes(value)) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return value as T[number];
    });
}

const version = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/)
  .transform(Number);

/** The add form: one firm (the model takes many, for the discovery list). */
export function addEntrySchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return z.object({
    enterpriseId: id(t("pool.err.firm")),
    tier: z.enum(TIER_CODES, { error: t("pool.err.tier") }),
    targetYear: year(lang),
    route: optionalEnum(POOL_ROUTES, t("pool.err.route")),
    officerId: optionalId(t("pool.err.officer")),
    enteredOn: date(lang, true),
    notes: text(lang, 2000, { required: false, multiline: true }),
  });
}

export const ENTRY_INTENTS = ["update", "status", "task", "task-status", "visit"] as const;
export const entryIntentSchema = z.enum(ENTRY_INTENTS);

export function updateEntrySchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return z.object({
    intent: z.literal("update"),
    version,
    route: optionalEnum(POOL_ROUTES, t("pool.err.route")),
    officerId: optionalId(t("pool.err.officer")),
    targetYear: year(lang),
    notes: text(lang, 2000, { required: false, multiline: true }),
  });
}

export function statusSchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return z.object({
    intent: z.literal("status"),
    version,
    to: z.enum(POOL_STATUSES, { error: t("pool.err.status") }),
    exitReason: optionalEnum(EXIT_REASONS, t("pool.err.reason")),
    exitNote: text(lang, 500, { required: false }),
  });
}

export function taskSchema(lang: Lang) {
  return z.object({
    intent: z.literal("task"),
    title: text(lang, 200, { required: true }).pipe(z.string()),
    owner: text(lang, 100, { required: false }),
    dueOn: date(lang, false),
    notes: text(lang, 2000, { required: false, multiline: true }),
  });
}

export function taskStatusSchema(lang: Lang) {
  return z.object({
    intent: z.literal("task-status"),
    taskId: id(translate(lang, "pool.err.task")),
    status: z.enum(TASK_STATUSES, { error: translate(lang, "pool.err.status") }),
  });
}

export function visitSchema(lang: Lang) {
  return z.object({
    intent: z.literal("visit"),
    visitedOn: date(lang, true).pipe(z.string()),
    visitor: text(lang, 100, { required: true }).pipe(z.string()),
    findings: text(lang, 2000, { required: true, multiline: true }).pipe(z.string()),
  });
}

/** The split form on /targets: one share per town, fields named towns.<code>. */
export function splitSchema(lang: Lang, townCodes: readonly string[]) {
  const message = translate(lang, "pool.split.count");
  // An empty field leaves that town's share as it is (none, for a town not split yet).
  const count = z
    .string()
    .optional()
    .transform((raw, ctx): number | null => {
      const value = (raw ?? "").trim();
      if (value === "") return null;
      if (!/^\d{1,6}$/.test(value) || Number(value) > 100_000) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return Number(value);
    });
  return z.object({
    intent: z.literal("split"),
    year: year(lang),
    tier: z.enum(TIER_CODES, { error: translate(lang, "pool.err.tier") }),
    towns: z.object(Object.fromEntries(townCodes.map((c) => [c, count])) as Record<string, typeof count>).optional(),
  });
}

export type PoolListQuery = { ok: true; filters: PoolFilters } | { ok: false; message: string };

/** The list's query string: a bad year is a 400; other unknown values are ignored (no filter). */
export function parsePoolListQuery(params: URLSearchParams, lang: Lang): PoolListQuery {
  const filters: PoolFilters = {};
  const y = params.get("year")?.trim();
  if (y) {
    const parsed = year(lang).safeParse(y);
    if (!parsed.success) return { ok: false, message: translate(lang, "pool.err.year") };
    filters.year = parsed.data;
  }
  const tier = params.get("tier");
  if (tier && (TIER_CODES as readonly string[]).includes(tier)) filters.tier = tier as PoolFilters["tier"];
  const status = params.get("status");
  if (status === "active" || (status && (POOL_STATUSES as readonly string[]).includes(status))) filters.status = status as PoolFilters["status"];
  const town = params.get("town")?.trim();
  if (town && /^[a-z0-9-]{1,40}$/.test(town)) filters.town = town;
  const officer = params.get("officer")?.trim();
  if (officer && /^[1-9]\d{0,14}$/.test(officer)) filters.officer = Number(officer);
  const q = params.get("q")?.trim();
  if (q) filters.q = q.slice(0, 100);
  const sort = params.get("sort");
  if (sort && (POOL_SORTS as readonly string[]).includes(sort)) filters.sort = sort as PoolFilters["sort"];
  if (params.get("dir") === "desc") filters.dir = "desc";
  return { ok: true, filters };
}
