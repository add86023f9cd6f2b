import { PrefetchPageLinks, useNavigate } from "@remix-run/react";
import { useEffect, useRef, useState, type FocusEvent, type MouseEvent } from "react";

/** The same-origin anchor (matching `selector`) an event happened in, if it may navigate on the client. */
function internalAnchor(event: { target: EventTarget; currentTarget: Element }, selector: string): HTMLAnchorElement | null {
  const anchor = (event.target as Element).closest?.(selector) as HTMLAnchorElement | null;
  if (!anchor || anchor.tagName !== "A" || !event.currentTarget.contains(anchor)) return null;
  if ((anchor.target && anchor.target !== "_self") || anchor.hasAttribute("download")) return null;
  if (anchor.origin !== window.location.origin) return null;
  return anchor;
}

/**
 * Plain anchors inside an element (those matching `selector`), behaving like <Link prefetch="intent">: a plain left click
 * navigates on the client, and resting on a link for 100 ms (or focusing it) prefetches the page's
 * code and data. Without JavaScript they are ordinary links. For long lists of links (a table's
 * rows), where a <Link> each costs a dozen hooks on every server render. Give the anchors
 * data-discover="true", as <Link> does, so that Remix learns their routes ahead of the click:
 *
 *   const links = useClientLinks("tbody a[href]");
 *   <DataTable … containerProps={links.handlers} />
 *   {links.prefetch}
 */
export function useClientLinks(selector: string) {
  const navigate = useNavigate();
  const [prefetch, setPrefetch] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const intend = (event: MouseEvent<HTMLElement> | FocusEvent<HTMLElement>) => {
    const anchor = internalAnchor(event, selector);
    clearTimeout(timer.current);
    if (!anchor) return;
    const page = anchor.pathname + anchor.search;
    timer.current = setTimeout(() => setPrefetch(page), 100);
  };
  const cancel = (event: MouseEvent<HTMLElement> | FocusEvent<HTMLElement>) => {
    const anchor = internalAnchor(event, selector);
    if (!anchor || anchor.contains(event.relatedTarget as Node | null)) return;
    clearTimeout(timer.current);
    setPrefetch(null);
  };
  const onClick = (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
    const anchor = internalAnchor(event, selector);
    if (!anchor) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search + anchor.hash);
  };
  return {
    handlers: { onClick, onMouseOver: intend, onFocus: intend, onMouseOut: cancel, onBlur: cancel },
    prefetch: prefetch ? <PrefetchPageLinks page={prefetch} /> : null,
  };
}
