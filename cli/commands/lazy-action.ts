/** A command's action module: cli/actions/<name>.ts, loaded only when that command runs. */
export interface ActionModule {
  // biome-ignore lint/suspicious/noExplicitAny: commander passes the arguments, then the options, then the command
  readonly action: (...args: any[]) => Promise<unknown>;
}

/**
 * The commander action of a command whose body lives in its own module, loaded
 * on first call: defining a command (its name, arguments, options and help)
 * costs only commander, so `plumb --help` and `plumb --version` load no engine
 * code, and a command loads its own module graph and no other command's.
 *
 * @example
 *   cmd.action(lazyAction(() => import('../actions/validate.js')));
 */
export function lazyAction(load: () => Promise<ActionModule>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    await (await load()).action(...args);
  };
}
