import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the HTTP server knows of the request being served and the app's code does not otherwise
 * see: the client's address, so that every audit row records where it came from, including those
 * written deep in a model or by the guards (which get the Request, not the socket).
 */
type Store = AsyncLocalStorage<{ clientAddress: string | null }>;
// The HTTP server and the app's build each hold their own copy of this module: the store itself
// is shared through a global symbol, or the build would read a store the server never entered.
const KEY = Symbol.for("dinghai-registry.request-context");
const holder = globalThis as unknown as Record<symbol, Store | undefined>;
const store: Store = (holder[KEY] ??= new AsyncLocalStorage());

export function runWithRequestContext<T>(context: { clientAddress: string | null }, fn: () => T): T {
  return store.run(context, fn);
}

/** The address of the client whose request is being served; null outside a request (CLI, tests). */
export function currentClientAddress(): string | null {
  return store.getStore()?.clientAddress ?? null;
}
