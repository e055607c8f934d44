import { Command } from 'commander';
import { addGlobalOptions, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb tui [--target NAME] [--watch] [--repo DIR]`: the operator's terminal
 * UI (tui/). Needs a terminal; exits 0 when the operator quits.
 */
export function register(program: Command): void {
  const cmd = new Command('tui')
    .description('the operator terminal UI: review the plan, explore impact, apply chosen changes, restore backups')
    .option('--target <name>', 'plan against this target of plumb.yaml (default: defaultTarget, else all)')
    .option('--watch', 're-plan on edits in the work tree and on drift reported by providers');
  documentCommand(cmd, {
    examples: [
      ['plumb tui', "the operator's terminal UI on the default target"],
      ['plumb tui --target shop --watch', 're-plan on every edit and on drift'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/tui.js')));
  program.addCommand(cmd);
}
