import * as applications from "./messages/applications";
import * as attachments from "./messages/attachments";
import * as audit from "./messages/audit";
import * as common from "./messages/common";
import * as eligibility from "./messages/eligibility";
import * as figures from "./messages/figures";
import * as enterprises from "./messages/enterprises";
import * as importing from "./messages/import";
import * as notices from "./messages/notices";
import * as notifications from "./messages/notifications";
import * as discovery from "./messages/discovery";
import * as pool from "./messages/pool";
import * as progress from "./messages/progress";
import * as users from "./messages/users";
import * as validity from "./messages/validity";

/**
 * The one translation mechanism: every piece of interface text is a key here, in Chinese (the
 * default) and English. Domain data that already carries both names ({ zh, en }) goes through
 * `pick`.
 */
export const LANGS = ["zh", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = "zh";

// Each area of the app keeps its text in its own file under messages/; add the file here.
const zh = {
  ...common.zh,
  ...audit.zh,
  ...eligibility.zh,
  ...attachments.zh,
  ...applications.zh,
  ...enterprises.zh,
  ...users.zh,
  ...progress.zh,
  ...importing.zh,
  ...notifications.zh,
  ...pool.zh,
  ...figures.zh,
  ...notices.zh,
  ...validity.zh,
  ...discovery.zh,
};
export type MessageKey = keyof typeof zh;
const en: Record<MessageKey, string> = {
  ...common.en,
  ...audit.en,
  ...eligibility.en,
  ...attachments.en,
  ...applications.en,
  ...enterprises.en,
  ...users.en,
  ...progress.en,
  ...importing.en,
  ...notifications.en,
  ...pool.en,
  ...figures.en,
  ...notices.en,
  ...validity.en,
  ...discovery.en,
};

export const messages: Record<Lang, Record<MessageKey, string>> = { zh, en };

export function isLang(x: unknown): x is Lang {
  return x === "zh" || x === "en";
}

/** Translates a key, filling {name} placeholders from vars. */
export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = messages[lang][key] ?? messages.zh[key] ?? key;
  if (!vars) return text;
  // "{n:application|applications}" picks the singular when n is 1 (English; Chinese has no plural).
  return text
    .replace(/\{(\w+):([^{}|]*)\|([^{}]*)\}/g, (_, name: string, one: string, other: string) => (Number(vars[name]) === 1 ? one : other))
    .replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Chooses the caller's language from a pair of names carried by domain data. */
export function pick(lang: Lang, names: { zh: string; en: string }): string {
  return lang === "en" ? names.en : names.zh;
}

/** Reads the language cookie from a Cookie header; Chinese unless English was chosen. */
export function langFromCookieHeader(cookieHeader: string | null): Lang {
  const match = /(?:^|;\s*)lang=(zh|en)(?:;|$)/.exec(cookieHeader ?? "");
  return match ? (match[1] as Lang) : DEFAULT_LANG;
}

export function langCookie(lang: Lang): string {
  return `lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
