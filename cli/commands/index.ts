import type { Command } from 'commander';

type CommandModule = { register(program: Command): void };

/**
 * Every command, in the order of `plumb help`; each module exports
 * `register(program)`. Modules load lazily: a command pulls in only its own
 * dependencies (the Kubernetes client alone costs ~270 ms to import), so
 * `plumb validate` starts as fast as it can.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandModule>]> = [
  ['validate', () => import('./validate.js')],
  ['graph', () => import('./graph.js')],
  ['impact', () => import('./impact.js')],
  ['why', () => import('./why.js')],
  ['capacity', () => import('./capacity.js')],
  ['incidents', () => import('./incidents.js')],
  ['plan', () => import('./plan.js')],
  ['review', () => import('./review.js')],
  ['discover', () => import('./discover.js')],
  ['apply', () => import('./apply.js')],
  ['backup', () => import('./backup.js')],
  ['backups', () => import('./backups.js')],
  ['restore', () => import('./restore.js')],
  ['tui', () => import('./tui.js')],
  ['controller', () => import('./controller.js')],
];

/**
 * Registers the command named in `argv` (the first word that is not an
 * option), or all of them when there is none or it is unknown — `plumb help`,
 * `plumb --help` and commander's did-you-mean need the full list.
 */
export async function registerCommands(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  const only = COMMANDS.find(([name]) => name === word);
  const chosen = only ? [only] : COMMANDS;
  const modules = await Promise.all(chosen.map(([, load]) => load()));
  for (const m of modules) m.register(program);
}
