import type { ShouldRevalidateFunction } from "@remix-run/react";

/** The resource route the application form posts to as the firm types (the live pre-check). */
export const PRECHECK_PATH = "/applications/precheck";

/**
 * The pre-check changes nothing, so its posts need no loader to run again; every other
 * submission revalidates as Remix would.
 */
export const skipRevalidationAfterPrecheck: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction?.startsWith(PRECHECK_PATH) ? false : defaultShouldRevalidate;
