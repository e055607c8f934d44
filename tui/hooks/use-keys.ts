import { useInput, type Key } from 'ink';
import { createContext, useCallback, useContext, useRef, type MutableRefObject } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

/** Where the screen on display puts its key handler for the App to route to. */
export const ScreenKeys = createContext<MutableRefObject<KeyHandler | undefined>>({ current: undefined });

/**
 * The App's one subscription to the keyboard. Ink's useInput re-subscribes
 * in an effect whenever its handler changes (every render) and a newly
 * mounted screen subscribes only after its first frame is out — so a key
 * that arrives right after a frame (a fast typist, a paste, tmux send-keys)
 * would reach a stale handler or none. Here there is one stable
 * subscription, and handlers are read from refs set during render: a key
 * always meets the state on screen. `handler` gets the screen's handler to
 * route to when it does not handle the key itself.
 */
export function useKeyRouter(handler: (input: string, key: Key, screen: KeyHandler | undefined) => void): MutableRefObject<KeyHandler | undefined> {
  const screen = useRef<KeyHandler | undefined>(undefined);
  const latest = useRef(handler);
  latest.current = handler;
  // renders so far: a key of a chunk waits for the render its predecessor caused
  const renders = useRef(0);
  renders.current++;
  const queue = useRef<[string, Key][]>([]);
  const pumping = useRef(false);

  const pump = useCallback(() => {
    const next = queue.current.shift();
    if (!next) {
      pumping.current = false;
      return;
    }
    pumping.current = true;
    const before = renders.current;
    latest.current(next[0], next[1], screen.current);
    // the next key meets the state this one made: wait (a few ticks at most —
    // a key that changes nothing causes no render) until React has rendered
    let idle = 0;
    const wait = () => (renders.current !== before || ++idle > 8 ? pump() : setImmediate(wait));
    setImmediate(wait);
  }, []);

  const stable = useCallback<KeyHandler>(
    (input, key) => {
      // Ink hands a chunk of several keys over as one "paste" (tmux send-keys,
      // a fast typist over ssh, a loaded machine): replay it key by key, Enter,
      // Tab, Esc and Backspace included, each after the render of the one
      // before — `/` then `h` must reach the filter the `/` opened
      if (input.length > 1 && !key.ctrl && !key.meta) for (const ch of input) queue.current.push([CONTROL.has(ch) ? '' : ch, single(key, ch)]);
      else queue.current.push([input, key]);
      if (!pumping.current) pump();
    },
    [pump],
  );
  useInput(stable);
  return screen;
}

/** Characters of a chunk that are keys, not text: Enter, Tab, Esc, Backspace. */
const CONTROL: ReadonlySet<string> = new Set(['\r', '\t', '\u001B', '\u007F', '\b']);

function single(template: Key, ch: string): Key {
  const off = Object.fromEntries(Object.keys(template).map((k) => [k, false])) as unknown as Key;
  return {
    ...off,
    eventType: template.eventType,
    return: ch === '\r',
    tab: ch === '\t',
    escape: ch === '\u001B',
    backspace: ch === '\u007F' || ch === '\b',
    shift: /[A-Z]/.test(ch),
  };
}

/** A screen's keys: registered during render, so they apply from its first frame. */
export function useScreenKeys(handler: KeyHandler): void {
  const slot = useContext(ScreenKeys);
  slot.current = handler;
}
