export {};

declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce?: string;
    /** The client's IP address: the socket's, or a trusted proxy's X-Forwarded-For (TRUST_PROXY). */
    clientAddress?: string;
  }
}
