import type { Role } from "./state-machine";

/**
 * Who is asking: every model query takes one and narrows what it reads to the caller's scope.
 * An enterprise user is bound to one firm, a town officer to one town.
 */
export interface Caller {
  id: number;
  role: Role;
  enterpriseId: number | null;
  townCode: string | null;
}

/** Reviewers and admins see the whole district. */
export function seesEverything(caller: Caller): boolean {
  return caller.role === "reviewer" || caller.role === "admin";
}
