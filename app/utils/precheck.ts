/** The resource route the application form posts to as the firm types (the live pre-check). */
export const PRECHECK_PATH = "/applications/precheck";
