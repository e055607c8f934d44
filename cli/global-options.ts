import { InvalidArgumentError, Option, type Command } from 'commander';

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
  { flags: '--no-cache', description: 'neither read nor write the content cache (as PLUMB_CACHE=off)' },
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
    // the engine opens its content cache from the environment when it first needs it
    if (program.opts().cache === false) process.env.PLUMB_CACHE = 'off';
    await checkChoices(action);
  });
  return program;
}

/**
 * A value outside an option's choices, thrown by an option's parser (e.g.
 * `-o FORMAT[=FILE]`): the value and the choices travel with it, so the
 * did-you-mean can be computed (see {@link deferChoiceChecks}).
 */
export class InvalidChoice extends InvalidArgumentError {
  constructor(
    readonly value: string,
    readonly choices: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** The values of options whose parser checks them itself (`-o FORMAT[=FILE]`), for shell completion; `.choices()` options have `argChoices`. */
export const OPTION_CHOICES = new WeakMap<Option, readonly string[]>();

/** The values an option takes, when it has a fixed set. */
export function choicesOf(option: Option): readonly string[] | undefined {
  return option.argChoices ?? OPTION_CHOICES.get(option);
}

const DEFERRED = Symbol('invalid choice');
interface Deferred {
  readonly [DEFERRED]: true;
  readonly value: string;
  readonly choices: readonly string[];
  readonly message: string;
}

/**
 * Lets a command's options take a value outside their choices at parse time
 * — commander's `.choices()` and any parser that throws {@link InvalidChoice}
 * — keeping it as a marker; {@link addGlobalOptionsTo}'s hook then refuses it
 * with a did-you-mean, before the action runs.
 */
export function deferChoiceChecks(cmd: Command): void {
  deferArgumentChoices(cmd);
  for (const option of cmd.options) {
    const parse = option.parseArg;
    const choices = option.argChoices;
    if (!parse) continue;
    option.argParser((value: string, previous: unknown) => {
      try {
        return parse.call(option, value, previous);
      } catch (e) {
        const deferred = (cs: readonly string[], v: string): Deferred => ({ [DEFERRED]: true, value: v, choices: cs, message: (e as Error).message });
        if (e instanceof InvalidChoice)
          return Array.isArray(previous) || option.variadic ? [...((previous as unknown[]) ?? []), deferred(e.choices, e.value)] : deferred(e.choices, e.value);
        if (choices && e instanceof InvalidArgumentError) return deferred(choices, value);
        throw e;
      }
    });
  }
}

/** The same for a command's arguments with choices (`plumb completion SHELL`). */
function deferArgumentChoices(cmd: Command): void {
  for (const argument of cmd.registeredArguments) {
    const choices = argument.argChoices;
    const parse = argument.parseArg;
    if (!choices || !parse || argument.variadic) continue;
    argument.argParser((value: string, previous: unknown) => {
      try {
        return parse.call(argument, value, previous);
      } catch (e) {
        if (e instanceof InvalidArgumentError) return { [DEFERRED]: true, value, choices, message: e.message } satisfies Deferred;
        throw e;
      }
    });
  }
}

function isDeferred(v: unknown): v is Deferred {
  return typeof v === 'object' && v !== null && DEFERRED in v;
}

async function checkChoices(cmd: Command): Promise<void> {
  for (const [i, argument] of cmd.registeredArguments.entries()) {
    const bad = cmd.processedArgs[i] as unknown;
    if (!isDeferred(bad)) continue;
    const { didYouMean } = await import('./did-you-mean.js');
    const near = didYouMean(bad.value, bad.choices);
    cmd.error(
      `error: command-argument value '${bad.value}' is invalid for argument '${argument.name()}'. ${bad.message}${near ? `\n(Did you mean ${near}?)` : ''}`,
      {
        exitCode: 1,
        code: 'commander.invalidArgument',
      },
    );
  }
  for (const option of cmd.options) {
    const value = cmd.getOptionValue(option.attributeName()) as unknown;
    const bad = (Array.isArray(value) ? value : [value]).find(isDeferred);
    if (!bad) continue;
    const { didYouMean } = await import('./did-you-mean.js');
    const near = didYouMean(bad.value, bad.choices);
    cmd.error(`error: option '${option.flags}' argument '${bad.value}' is invalid. ${bad.message}${near ? `\n(Did you mean ${near}?)` : ''}`, {
      exitCode: 1,
      code: 'commander.invalidArgument',
    });
  }
}
