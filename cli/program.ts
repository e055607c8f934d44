import { Command, Option } from 'commander';
import { registerCommands } from './commands/index.js';

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
  registerCommands(program);
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

/** Options every command accepts (docs/architecture.md); each command adds its own `-o` choices. */
export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option('--repo <dir>', 'repository root (default: found upwards from the current directory by plumb.yaml)')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .addOption(new Option('--kubeconfig <file>', 'kubeconfig file, as kubectl'))
    .addOption(new Option('--context <name>', 'kubeconfig context, as kubectl'));
}
