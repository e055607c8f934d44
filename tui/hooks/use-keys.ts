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
  const stable = useCallback<KeyHandler>((input, key) => {
    // Ink hands a chunk of several keys over as one "paste" (tmux send-keys,
    // a fast typist over ssh): replay it key by key, Enter and Tab included
    if (input.length > 1 && !key.ctrl && !key.meta) {
      for (const ch of input) latest.current(ch === '\r' || ch === '\t' ? '' : ch, single(key, ch), screen.current);
      return;
    }
    latest.current(input, key, screen.current);
  }, []);
  useInput(stable);
  return screen;
}

function single(template: Key, ch: string): Key {
  const off = Object.fromEntries(Object.keys(template).map((k) => [k, false])) as unknown as Key;
  return { ...off, eventType: template.eventType, return: ch === '\r', tab: ch === '\t', shift: /[A-Z]/.test(ch) };
}

/** A screen's keys: registered during render, so they apply from its first frame. */
export function useScreenKeys(handler: KeyHandler): void {
  const slot = useContext(ScreenKeys);
  slot.current = handler;
}
