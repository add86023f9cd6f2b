import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { DEFAULT_LANG, translate, pick, type Lang, type MessageKey } from "./i18n";

/** The interface language, from the root loader (which reads the lang cookie). */
export function useLang(): Lang {
  const data = useRouteLoaderData("root") as { lang?: Lang } | undefined;
  return data?.lang ?? DEFAULT_LANG;
}

/**
 * A translator bound to the current language: t("nav.enterprises"), t.pick({zh, en}). The same
 * function while the language stays, so it can stand in a hook's dependencies.
 */
export function useT() {
  const lang = useLang();
  return useMemo(() => {
    const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
    t.pick = (names: { zh: string; en: string }) => pick(lang, names);
    t.lang = lang;
    return t;
  }, [lang]);
}
