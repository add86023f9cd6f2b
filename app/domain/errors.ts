/**
 * What a query or command of the registry fails with, in the registry's own words.
 *
 * Two shapes, one vocabulary:
 * - A failure the caller is expected to show (a stale version, a duplicate, a value out of
 *   range) is returned as a result, `{ ok: false, reason }`: the field is always `reason`, a
 *   short code the route turns into a sentence of the user's language.
 * - A failure no page can recover from (the record is not there or not in the caller's scope,
 *   the caller's role may never do this) is thrown as one of the classes below, with a reason
 *   code. `server/domain-errors.ts` maps them to HTTP in one place; models never build an HTTP
 *   Response.
 *
 * Out of scope and missing are one and the same `NotFound`, so that an answer never tells a
 * caller that a record it may not see exists.
 */
export type DomainErrorKind = "not-found" | "forbidden" | "conflict" | "invalid";

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    /** A short code, e.g. "enterprise" (what was not found) or "role" (why it is forbidden). */
    readonly reason: string,
  ) {
    super(reason);
    this.name = new.target.name;
  }
}

/** Missing, or outside the caller's scope (the same answer for both). */
export class NotFound extends DomainError {
  readonly kind = "not-found" as const;
}

/** In scope, but the caller's role may never take this action. */
export class Forbidden extends DomainError {
  readonly kind = "forbidden" as const;
}

/** The record changed or the state does not allow it now (compare-and-set lost, a duplicate). */
export class Conflict extends DomainError {
  readonly kind = "conflict" as const;
}

/** Input that no form should have sent (a form's own checks name the field before this). */
export class Invalid extends DomainError {
  readonly kind = "invalid" as const;
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** An expected failure returned to the caller: `reason` names it, extra fields may explain it. */
export type Failure<R extends string, Extra extends object = object> = { ok: false; reason: R } & Extra;
