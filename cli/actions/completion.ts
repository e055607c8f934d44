import type { Command, Option } from 'commander';
import { completionNames, type CompletionKind } from '../../engine/index.js';
import { choicesOf } from '../global-options.js';
import { buildProgram } from '../program.js';
import { writeOut } from '../run-command.js';

/** `plumb completion SHELL`'s action: the script (cli/commands/completion.ts). */
export const action = async (shell: 'bash' | 'zsh' | 'fish') => {
  await writeOut(SCRIPTS[shell]);
};

/**
 * `plumb __complete WORDS…`: prints the candidates for the last word, one per
 * line, for the completion scripts. Empty output lets the shell complete file
 * names (for `--repo`, `--out`, a plan file…). Never fails: a completion that
 * cannot look prints nothing.
 */
export const complete = async (words: string[]) => {
  const names = await candidates(buildProgram(), words.length ? words : ['']);
  if (names.length) await writeOut(names.join('\n'));
  process.exit(0);
};

/** Options whose values are names plumb can list, by long flag. */
const DYNAMIC: Readonly<Record<string, CompletionKind>> = { '--target': 'target', '--focus': 'ci', '--healthy': 'ci', '--context': 'context' };
/** Positional arguments, by command: what each position names (the last one repeats). */
const POSITIONAL: Readonly<Record<string, readonly (CompletionKind | 'commands' | 'shells' | 'files')[]>> = {
  impact: ['ci'],
  why: ['ci'],
  capacity: ['ci'],
  backup: ['ci'],
  restore: ['backup', 'ci'],
  apply: ['files'],
  completion: ['shells'],
  help: ['commands'],
};

/**
 * The candidates for the last of `words` (the words after `plumb`): commands
 * at the top, flags after a `-`, an option's values after that option, and a
 * command's arguments — filtered by what was typed. Exported for tests.
 */
export async function candidates(program: Command, words: readonly string[]): Promise<string[]> {
  const cur = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let cmd: Command = program;
  const positionals: string[] = [];
  const value = (flag: string) => {
    const i = before.lastIndexOf(flag);
    return i >= 0 ? before[i + 1] : undefined;
  };
  let pending: Option | undefined;
  for (const w of before) {
    if (pending) {
      pending = undefined;
      continue;
    }
    if (w.startsWith('-')) {
      const option = findOption(cmd, program, w);
      if (option && (option.required || option.optional) && !w.includes('=')) pending = option;
      continue;
    }
    const sub = cmd === program ? program.commands.find((c) => c.name() === w) : undefined;
    if (sub) cmd = sub;
    else positionals.push(w);
  }
  const visibleCommands = () => [...program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name()), 'help'];
  const at = { repo: value('--repo'), cwd: process.cwd(), kubeconfig: value('--kubeconfig') };
  let names: readonly string[] = [];
  if (pending) {
    const choices = choicesOf(pending);
    const kind = pending.long ? DYNAMIC[pending.long] : undefined;
    names = choices ?? (kind ? await completionNames(kind, at) : []);
  } else if (cur.startsWith('-')) {
    names = [
      ...new Set(
        [...cmd.options, ...(cmd === program ? [] : program.options)]
          .filter((o) => !o.hidden)
          .flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
      ),
    ];
  } else if (cmd === program) {
    names = visibleCommands();
  } else {
    const kinds = POSITIONAL[cmd.name()] ?? [];
    const kind = kinds[Math.min(positionals.length, kinds.length - 1)];
    if (kind === 'commands') names = visibleCommands();
    else if (kind === 'shells') names = ['bash', 'zsh', 'fish'];
    else if (kind && kind !== 'files') names = await completionNames(kind, at);
  }
  return names.filter((n) => n.startsWith(cur));
}

function findOption(cmd: Command, program: Command, word: string): Option | undefined {
  const flag = word.split('=')[0];
  return [...cmd.options, ...program.options].find((o) => o.long === flag || o.short === flag);
}

const BASH = `# plumb completion for bash. Load it with: source <(plumb completion bash)
_plumb_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur out
  local -a words
  read -r -a words <<< "$line"
  [[ "$line" =~ [[:space:]]$ ]] && words+=("")
  cur="\${words[\${#words[@]}-1]}"
  local IFS=$'\\n'
  out=$(plumb __complete -- "\${words[@]:1}" 2>/dev/null)
  COMPREPLY=()
  if [[ -z "$out" ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
  fi
  COMPREPLY=($(compgen -W "$out" -- "$cur"))
  # bash splits words at ':' (COMP_WORDBREAKS): offer only what follows the last ':' of a CI id
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local prefix="\${cur%"\${cur##*:}"}"
    COMPREPLY=("\${COMPREPLY[@]#"$prefix"}")
  fi
}
complete -o default -F _plumb_complete plumb
`;

const ZSH = `#compdef plumb
# plumb completion for zsh. Load it with: source <(plumb completion zsh) (after compinit)
_plumb() {
  local -a candidates
  candidates=("\${(@f)$(plumb __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if (( \${#candidates} == 0 )) || [[ -z "\${candidates[1]}" ]]; then
    _files
    return
  fi
  compadd -- "\${candidates[@]}"
}
compdef _plumb plumb
`;

const FISH = `# plumb completion for fish. Load it with: plumb completion fish | source
function __plumb_complete
    set -l tokens (commandline -opc) (commandline -ct)
    set -l out (plumb __complete -- $tokens[2..-1] 2>/dev/null)
    # nothing to offer: a file name (--repo, --out, a plan file), as bash's and zsh's scripts do
    if test (count $out) -eq 0
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c plumb -f -a '(__plumb_complete)'
`;

const SCRIPTS = { bash: BASH, zsh: ZSH, fish: FISH } as const;
