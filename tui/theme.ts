import { createContext, useContext } from 'react';

/** Meanings the TUI colours; components ask for a tone, never a colour. */
export type Tone =
  | 'create'
  | 'update'
  | 'replace'
  | 'delete'
  | 'noop'
  | 'down'
  | 'degraded'
  | 'at-risk'
  | 'operational'
  | 'critical'
  | 'high'
  | 'medium'
  | 'low'
  | 'deny'
  | 'error'
  | 'warn'
  | 'audit'
  | 'excepted'
  | 'ok'
  | 'added'
  | 'removed'
  | 'hunk'
  | 'dim'
  | 'accent';

const COLORS: Readonly<Record<Tone, string>> = {
  create: 'green',
  update: 'yellow',
  replace: 'magenta',
  delete: 'red',
  noop: 'gray',
  down: 'red',
  degraded: 'magenta',
  'at-risk': 'yellow',
  operational: 'green',
  critical: 'red',
  high: 'magenta',
  medium: 'yellow',
  low: 'green',
  deny: 'red',
  error: 'red',
  warn: 'yellow',
  audit: 'cyan',
  excepted: 'gray',
  ok: 'green',
  added: 'green',
  removed: 'red',
  hunk: 'cyan',
  dim: 'gray',
  accent: 'cyan',
};

export interface Theme {
  /** Off with NO_COLOR or --no-color: every tone renders plain (inverse/bold still mark the cursor). */
  readonly color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: true });

/** The colour of a tone, or undefined when colours are off. */
export function useTone(): (tone: Tone | undefined) => string | undefined {
  const { color } = useContext(ThemeContext);
  return (tone) => (color && tone ? COLORS[tone] : undefined);
}
