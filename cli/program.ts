import { Command, InvalidArgumentError, Option } from 'commander';
import { registerCommands } from './commands/index.js';
import { addGlobalOptionsTo, deferChoiceChecks, InvalidChoice, OPTION_CHOICES } from './global-options.js';
import { documentCommand } from './help.js';

export { documentCommand };

/**
 * The `plumb` command: argument parsing and wiring only. Every command is
 * defined in cli/commands/<name>.ts, listed in commands/index.ts, and runs in
 * cli/actions/<name>.ts (loaded when it runs).
 */
export function buildProgram(): Command {
  const program = new Command('plumb')
    .description('GitOps infrastructure-as-data: validate, graph, simulate, plan and apply a Git repository of configuration items')
    .version('0.1.0')
    .showHelpAfterError('(run `plumb help` for usage)');
  addGlobalOptionsTo(program);
  documentCommand(program, {
    examples: [
      ['plumb validate', 'check the repository found upwards from here'],
      ['plumb --repo ../infra plan --out plan.json', 'plan another checkout and save the plan'],
      ['plumb apply plan.json', 'apply exactly that plan'],
      ['plumb COMMAND --help', "a command's options, examples and exit codes"],
    ],
    exits: ['ok', 'failure', 'changes', 'denied'],
  });
  registerCommands(program);
  for (const cmd of program.commands) deferChoiceChecks(cmd);
  return program;
}

/**
 * What the command line says to providers, as kubectl's flags: the kubeconfig,
 * the context, and whether server-side apply may take over fields another
 * field manager owns.
 */
export function providerSettings(opts: { kubeconfig?: string; context?: string; forceConflicts?: boolean }): {
  kubeconfig?: string;
  context?: string;
  forceConflicts?: boolean;
} {
  return { kubeconfig: opts.kubeconfig, context: opts.context, forceConflicts: opts.forceConflicts };
}

/** `--force-conflicts`, for the commands that write through server-side apply (and plan, whose dry run would). */
export function addForceConflicts(cmd: Command): Command {
  return cmd.option('--force-conflicts', 'server-side apply takes over fields another field manager owns (as kubectl apply --server-side --force-conflicts)');
}

/**
 * The global flags (`--repo`, `--no-color`, `--no-cache`, `--kubeconfig`, `--context`;
 * cli/global-options.ts) are the program's, accepted before or after the
 * command and handed to its action's options; this shows them in the
 * command's help, under "Global Options". Each command adds its own `-o` choices.
 */
export function addGlobalOptions(cmd: Command): Command {
  return cmd.configureHelp({ showGlobalOptions: true });
}

/** One `-o` of a command: a format, written to stdout or (`FORMAT=FILE`) to a file. */
export interface OutputTarget {
  readonly format: string;
  /** Path as given (relative to the working directory); absent: stdout. */
  readonly file?: string;
}

/**
 * The `-o, --output FORMAT[=FILE]` option of a command, repeatable: `-o
 * markdown=review.md -o sarif=review.sarif` writes both from one run; a plain
 * `-o FORMAT` goes to stdout (at most one may). The parsed value is an array
 * of {@link OutputTarget}; a format outside `formats` is refused as commander
 * refuses a bad choice (exit 1, the choices listed).
 */
export function outputOption(formats: readonly string[], defaultFormat: string): Option {
  const option = new Option(
    '-o, --output <format[=file]>',
    `output format: ${formats.join(', ')} (default: ${defaultFormat}); FORMAT=FILE writes that format to FILE instead of stdout, repeatable`,
  ).argParser((value: string, previous: OutputTarget[] | undefined) => [...(previous ?? []), parseOutput(value, formats)]);
  OPTION_CHOICES.set(option, formats);
  return option;
}

function parseOutput(value: string, formats: readonly string[]): OutputTarget {
  const eq = value.indexOf('=');
  const format = eq < 0 ? value : value.slice(0, eq);
  const file = eq < 0 ? undefined : value.slice(eq + 1);
  if (!formats.includes(format)) throw new InvalidChoice(format, formats, `Allowed choices are ${formats.join(', ')} (optionally FORMAT=FILE).`);
  if (file === '') throw new InvalidArgumentError(`${format}= names no file; write ${format}=FILE, or ${format} for stdout.`);
  // FORMAT=- is stdout, as `-` is for kubectl -f and most Unix tools (not a file named '-')
  return file === undefined || file === '-' ? { format } : { format, file };
}
