import { didYouMean } from '../../engine/index.js';

/** Where a `:` command goes. */
export type CommandTarget = 'plan' | 'ci' | 'backups' | 'incidents' | 'help' | 'quit';

/** Every command and its aliases (k9s: `:pods`, `:po`), the first being the name shown. */
export const COMMANDS: Readonly<Record<CommandTarget, readonly string[]>> = {
  plan: ['plan', 'changes'],
  ci: ['ci', 'cis', 'all', 'inventory'],
  backups: ['backups', 'backup', 'bk'],
  incidents: ['incidents', 'incident', 'inc'],
  help: ['help', 'h', '?'],
  quit: ['quit', 'q', 'q!', 'exit'],
};

export type CommandResult =
  | { readonly ok: true; readonly target: CommandTarget /** `:ci kind:database` — the rest is the browser's filter. */; readonly filter?: string }
  | { readonly ok: false; readonly message: string };

/**
 * One command typed after `:`. Unknown names are refused with the nearest
 * known one (the engine's did-you-mean, as the CLI's commands are).
 */
export function parseCommand(text: string): CommandResult {
  const [name = '', ...rest] = text.trim().split(/\s+/);
  if (!name) return { ok: false, message: 'no command: try :ci, :plan, :backups or :incidents' };
  const word = name.toLowerCase();
  for (const [target, aliases] of Object.entries(COMMANDS) as [CommandTarget, readonly string[]][]) {
    if (aliases.includes(word)) {
      const filter = rest.join(' ');
      return { ok: true, target, ...(filter && target === 'ci' ? { filter } : {}) };
    }
  }
  const near = didYouMean(word, Object.values(COMMANDS).flat());
  const known = (Object.keys(COMMANDS) as CommandTarget[]).map((c) => `:${c}`).join(' ');
  return { ok: false, message: `unknown command :${name}${near ? ` — did you mean :${near}?` : ` (commands: ${known})`}` };
}

/** The command a prefix completes to (Tab in the command bar), when only one does. */
export function completeCommand(prefix: string): string | undefined {
  const word = prefix.trim().toLowerCase();
  if (!word || word.includes(' ')) return undefined;
  const names = (Object.keys(COMMANDS) as CommandTarget[]).filter((c) => c.startsWith(word));
  return names.length === 1 ? names[0] : undefined;
}
