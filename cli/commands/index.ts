import type { Command } from 'commander';
import { register as validate } from './validate.js';
import { register as graph } from './graph.js';
import { register as impact } from './impact.js';
import { register as plan } from './plan.js';
import { register as review } from './review.js';
import { register as discover } from './discover.js';
import { register as apply } from './apply.js';
import { register as backup } from './backup.js';
import { register as backups } from './backups.js';
import { register as restore } from './restore.js';
import { register as tui } from './tui.js';
import { register as controller } from './controller.js';

/**
 * One line per command; each module exports `register(program)`. Order here is
 * the order of `plumb help`.
 */
const commands: Array<(program: Command) => void> = [
  validate,
  graph,
  impact,
  plan,
  review,
  discover,
  apply,
  backup,
  backups,
  restore,
  tui,
  controller,
];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
