import type { Command } from 'commander';
import { EXIT, EXIT_MEANING, type ExitName } from './exit-codes.js';

/** One example of `--help`: the command line, and what it does. */
export type Example = readonly [command: string, what: string];

/**
 * Adds kubectl's help sections to a command: `Examples:` (each with a
 * comment saying what it does, then the command line) and `Exit codes:`,
 * generated from cli/exit-codes.ts for the codes the command can return.
 * `plumb COMMAND --help` prints them after the options.
 */
export function documentCommand(cmd: Command, doc: { readonly examples: readonly Example[]; readonly exits: readonly ExitName[] }): Command {
  return cmd.addHelpText('after', () => `\n${examplesText(doc.examples)}\n\n${exitCodesText(doc.exits)}`);
}

/** `Examples:` with one `# what` line above each `plumb …` line, indented as kubectl does. */
export function examplesText(examples: readonly Example[]): string {
  return ['Examples:', ...examples.flatMap(([command, what], i) => [...(i ? [''] : []), `  # ${what}`, `  ${command}`])].join('\n');
}

/** `Exit codes:` for the named codes, in numeric order, each with its meaning from {@link EXIT_MEANING}. */
export function exitCodesText(exits: readonly ExitName[]): string {
  const names = [...new Set(exits)].sort((a, b) => EXIT[a] - EXIT[b]);
  return ['Exit codes:', ...names.map((n) => `  ${EXIT[n]}  ${EXIT_MEANING[n]}`)].join('\n');
}
