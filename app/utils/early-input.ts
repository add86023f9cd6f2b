/**
 * Input that arrives before the page can take it.
 *
 * With single fetch, `RemixBrowser` suspends its first render until the loader data streamed
 * into the page is decoded. React 18 answers a discrete event (a key, a click) that reaches a
 * root still waiting like that by hydrating it synchronously, and a root that suspends during
 * that synchronous pass makes React throw "Root did not complete" (minified error #345) out of
 * the event. A Tab pressed while the page loads was enough.
 *
 * So, from the moment the client bundle starts until the document renders, these events are
 * kept from React's listeners (they are registered on the document; a capture listener on the
 * window runs first). Their default actions still happen: Tab moves the focus, typing types,
 * a link navigates and a form submits as it does without JavaScript, which every form here
 * supports. As soon as the document renders, React takes every event itself, including those
 * that arrive while it is still hydrating, which it hydrates for synchronously as usual.
 */

/** The events for which React 18 hydrates synchronously when they reach an unhydrated root. */
const DISCRETE_EVENTS = [
  "auxclick",
  "beforeinput",
  "change",
  "click",
  "compositionend",
  "compositionstart",
  "contextmenu",
  "copy",
  "cut",
  "dblclick",
  "dragend",
  "dragstart",
  "drop",
  "input",
  "keydown",
  "keypress",
  "keyup",
  "mousedown",
  "mouseup",
  "paste",
  "pointercancel",
  "pointerdown",
  "pointerup",
  "reset",
  "submit",
  "textInput",
  "touchcancel",
  "touchend",
  "touchstart",
] as const;

let release: (() => void) | null = null;

function stop(event: Event) {
  event.stopPropagation();
}

/** Keeps discrete events from React until `releaseEarlyInput` is called. Browser only. */
export function holdEarlyInput(target: Window = window): void {
  if (release) return;
  for (const type of DISCRETE_EVENTS) target.addEventListener(type, stop, true);
  release = () => {
    for (const type of DISCRETE_EVENTS) target.removeEventListener(type, stop, true);
  };
}

/** Lets React take events again. Called when the document renders; idempotent; a no-op on the server. */
export function releaseEarlyInput(): void {
  if (!release) return;
  const done = release;
  release = null;
  done();
}
