import type { Command } from 'commander';
import { register as apply } from './apply.js';
import { register as backup } from './backup.js';
import { register as backups } from './backups.js';
import { register as capacity } from './capacity.js';
import { register as completion } from './completion.js';
import { register as controller } from './controller.js';
import { register as discover } from './discover.js';
import { register as graph } from './graph.js';
import { register as impact } from './impact.js';
import { register as incidents } from './incidents.js';
import { register as plan } from './plan.js';
import { register as restore } from './restore.js';
import { register as review } from './review.js';
import { register as status } from './status.js';
import { register as tui } from './tui.js';
import { register as validate } from './validate.js';
import { register as why } from './why.js';

/**
 * Every command, in the order of `plumb help`. A command is defined in
 * cli/commands/<name>.ts (name, arguments, options, help: commander only, no
 * engine code) and runs in cli/actions/<name>.ts, which its action imports when
 * it is called — so every definition is always registered (help, did-you-mean
 * and completion see them all) while a run loads only its own command's module
 * graph (the Kubernetes client alone costs ~270 ms to import).
 */
const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  validate,
  graph,
  impact,
  why,
  capacity,
  incidents,
  plan,
  review,
  discover,
  apply,
  backup,
  backups,
  restore,
  tui,
  controller,
  status,
  completion,
];

/** Registers every command on `program`. */
export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
