/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { render, type Instance } from 'ink';
import { App } from './App.js';
import { setCacheWarningSink, type Diagnostic } from '../engine/index.js';
import { createEngineSession, type EngineSessionOptions } from './engine-session.js';

export interface RunTuiOptions extends EngineSessionOptions {
  readonly watch?: boolean;
  readonly color?: boolean;
}

/** xterm's alternate screen: entered (cursor saved, screen cleared) and left (screen and cursor restored), as k9s, less and vim do. */
export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H';
export const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';

/**
 * Starts the TUI on the terminal and resolves when the operator quits. The
 * first plan starts after the first frame, so the screen (and `q`) answer at
 * once while loading and discovery run. The TUI draws on the alternate
 * screen: on quit (q, :quit, Ctrl-C, or an error) the terminal shows what it
 * showed before, with the shell's prompt on its own line under the command;
 * Ink restores the cursor.
 */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const session = createEngineSession({ worker: true, ...options });
  const out = process.stdout;
  let inAlternate = false;
  const leave = () => {
    if (!inAlternate) return;
    inAlternate = false;
    out.write(LEAVE_ALTERNATE_SCREEN);
  };
  // `kill PID`: the terminal back as it was, then the exit a SIGTERM means (128 + 15)
  let app: Instance | undefined;
  const onTerm = () => {
    app?.unmount();
    leave();
    process.exit(143);
  };
  if (out.isTTY) {
    out.write(ENTER_ALTERNATE_SCREEN);
    inAlternate = true;
    // a crash or a signal that skips the finally below must not strand the terminal on the alternate screen
    process.once('exit', leave);
    process.once('SIGTERM', onTerm);
  }
  // a cache warning told while Ink draws would be a line over its screen (and drawn over at once): held, and written
  // once the terminal is back; the plan's warnings count it meanwhile (engine-session.ts)
  const held: Diagnostic[] = [];
  const previousSink = setCacheWarningSink((w) => held.push(w));
  const instance = render(<App session={session} watch={options.watch} color={options.color ?? true} />, { exitOnCtrlC: true });
  app = instance;
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
    leave();
    process.off('exit', leave);
    process.off('SIGTERM', onTerm);
    setCacheWarningSink(previousSink);
    for (const w of held) previousSink(w);
    await session.close();
  }
}
