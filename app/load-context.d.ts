export {};

declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce?: string;
    /** The client's IP address as Express sees it (trusting a loopback proxy). */
    clientAddress?: string;
  }
}
