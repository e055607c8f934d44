import { PlumbError } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { providerSettings } from '../program.js';
import { runCommand, useColor, type GlobalOptions } from '../run-command.js';

interface TuiOptions extends GlobalOptions {
  target?: string;
  watch?: boolean;
}

/** `plumb tui`'s action: what runs once commander has parsed the command line (cli/commands/tui.ts). */
export const action = (opts: TuiOptions) =>
  runCommand(async () => {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new PlumbError('tui.no-terminal', 'plumb tui needs an interactive terminal', {
        hint: 'run it in a terminal; for scripts use `plumb plan` and `plumb apply`',
      });
    }
    // React's production build (its development build checks every element,
    // several times slower per frame); chosen before React is first loaded —
    // which is here, so other commands never load React or Ink at all
    process.env.NODE_ENV ??= 'production';
    // Ink draws only the last frame when it thinks it runs in CI (CI=true); on
    // a real terminal, which was checked above, the operator needs every frame
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    const { runTui } = await import('../../tui/run-tui.js');
    await runTui({
      repo: opts.repo,
      cwd: process.cwd(),
      target: opts.target,
      watch: opts.watch,
      color: useColor(opts),
      cliSettings: providerSettings(opts),
    });
    return EXIT.ok;
  });
