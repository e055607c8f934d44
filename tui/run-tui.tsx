/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { render } from 'ink';
import { App } from './App.js';
import { createEngineSession, type EngineSessionOptions } from './engine-session.js';

export interface RunTuiOptions extends EngineSessionOptions {
  readonly watch?: boolean;
  readonly color?: boolean;
}

/**
 * Starts the TUI on the terminal and resolves when the operator quits. The
 * first plan starts after the first frame, so the screen (and `q`) answer at
 * once while loading and discovery run. Ink restores the terminal on exit.
 */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const session = createEngineSession({ worker: true, ...options });
  const app = render(<App session={session} watch={options.watch} color={options.color ?? true} />, { exitOnCtrlC: true });
  try {
    await app.waitUntilExit();
  } finally {
    await session.close();
  }
}
