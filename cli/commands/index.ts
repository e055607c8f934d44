import type { Command } from 'commander';

/**
 * One line per command; each module exports `register(program)`. Order here is
 * the order of `plumb help`.
 */
const commands: Array<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
