/**
 * A rendered page travels from entry.server to the HTTP layer as a web Response, whose body the
 * HTTP layer would read back chunk by chunk through a web stream. The finished document is
 * attached to the Response as well (under a registry-wide symbol, since the Remix build and the
 * server each have their own copy of this module), so the server writes it in one call.
 */
const DOCUMENT = Symbol.for("registry.documentBytes");

type WithDocument = Response & { [DOCUMENT]?: Uint8Array };

/** A Response for a finished document, carrying its bytes for documentBytesOf. */
export function documentResponse(bytes: Uint8Array<ArrayBuffer>, init: ResponseInit): Response {
  return Object.assign(new Response(bytes, init), { [DOCUMENT]: bytes });
}

/** The bytes of a documentResponse whose body nobody has read yet; otherwise null. */
export function documentBytesOf(response: Response): Uint8Array | null {
  const bytes = (response as WithDocument)[DOCUMENT];
  return bytes instanceof Uint8Array && !response.bodyUsed ? bytes : null;
}
