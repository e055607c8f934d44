import { Option, type Command } from 'commander';

/**
 * The global flags, as kubectl's: they say where plumb reads from and how it
 * prints — the repository, colours, and the Kubernetes client's kubeconfig and
 * context — so they mean the same for every command and may stand before the
 * command (`plumb --repo DIR validate`, `plumb --context prod plan`) or after
 * it. Flags whose meaning belongs to one command stay that command's: `-o`
 * (each command has its own formats), `--target`, `--force-conflicts` (only the
 * commands that write), `--namespace` (the controller's own namespace).
 */
export const GLOBAL_OPTIONS: readonly { readonly flags: string; readonly description: string }[] = [
  { flags: '--repo <dir>', description: 'repository root (default: found upwards from the current directory by plumb.yaml)' },
  { flags: '--no-color', description: 'disable colours (NO_COLOR is honoured too)' },
  { flags: '--kubeconfig <file>', description: 'kubeconfig file, as kubectl' },
  { flags: '--context <name>', description: 'kubeconfig context, as kubectl' },
];

/**
 * Declares the global flags on the program and hands their values to the
 * command that runs: commander parses the program's options on either side of
 * the command word, and a hook copies them into the running command's options,
 * so its action's `opts` hold `repo`, `color`, `kubeconfig` and `context`
 * wherever they were written.
 *
 * The same hook checks option choices (`-o`, `--event`, …): commander's own
 * check says only "Allowed choices are …", while an unknown command or flag
 * gets a "(Did you mean …?)"; here a wrong choice gets one too, from the
 * engine's did-you-mean rule — loaded only when a value is wrong, so a
 * command's start-up pays nothing for it.
 */
export function addGlobalOptionsTo(program: Command): Command {
  for (const o of GLOBAL_OPTIONS) program.addOption(new Option(o.flags, o.description));
  program.hook('preAction', async (_root, action) => {
    for (const [key, value] of Object.entries(program.opts())) {
      if (action === program || value === undefined) continue;
      if (action.getOptionValueSource(key) === 'cli') continue;
      action.setOptionValueWithSource(key, value, program.getOptionValueSource(key) ?? 'default');
    }
    await checkChoices(action);
  });
  return program;
}

/**
 * Lets a command's choice options take any value at parse time (the check and
 * its did-you-mean run in {@link addGlobalOptionsTo}'s hook, before the action).
 */
export function deferChoiceChecks(cmd: Command): void {
  for (const option of cmd.options) {
    if (option.argChoices && !option.variadic) option.argParser((value: string) => value);
  }
}

async function checkChoices(cmd: Command): Promise<void> {
  for (const option of cmd.options) {
    const choices = option.argChoices;
    if (!choices || option.variadic) continue;
    const value = cmd.getOptionValue(option.attributeName()) as unknown;
    if (typeof value !== 'string' || choices.includes(value)) continue;
    const { didYouMean } = await import('../engine/index.js');
    const near = didYouMean(value, choices);
    cmd.error(
      `error: option '${option.flags}' argument '${value}' is invalid. Allowed choices are ${choices.join(', ')}.${near ? `\n(Did you mean ${near}?)` : ''}`,
      {
        exitCode: 1,
        code: 'commander.invalidArgument',
      },
    );
  }
}
