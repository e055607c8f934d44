/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Text } from 'ink';
import { useEffect, useState } from 'react';
import { cut } from '../model/fit.js';
import { useTone, type Tone } from '../theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface StatusLineProps {
  readonly text: string;
  readonly busy: boolean;
  readonly tone?: Tone;
  readonly width: number;
  /** Animate the spinner (off in tests, so frames are stable). */
  readonly animate: boolean;
}

/** One line under the header: a spinner while the engine works, else the last status or the filter. */
export function StatusLine({ text, busy, tone: t, width, animate }: StatusLineProps) {
  const tone = useTone();
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!busy || !animate) return;
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 100);
    return () => clearInterval(timer);
  }, [busy, animate]);
  const prefix = busy ? `${animate ? FRAMES[frame] : '…'} ` : '';
  return <Text color={tone(t)}>{cut(prefix + text, width)}</Text>;
}
