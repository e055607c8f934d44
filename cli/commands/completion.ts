import { Argument, Command } from 'commander';
import { addGlobalOptions, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb completion bash|zsh|fish`: prints the shell's completion script, as
 * `kubectl completion` does. The script asks `plumb __complete WORDS…` (a
 * hidden command) for the candidates of the word being typed: commands, flags,
 * option values (`-o` formats, `--event`…), and from the repository CI
 * identities, target names, backup ids and kubeconfig contexts.
 */
export function register(program: Command): void {
  const cmd = new Command('completion')
    .description('print the shell completion script for bash, zsh or fish (commands, flags, -o formats, CIs, targets, backups)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']));
  documentCommand(cmd, {
    examples: [
      ['plumb completion bash > ~/.local/share/bash-completion/completions/plumb', 'bash, for every new shell (bash-completion loads it from there)'],
      ['source <(plumb completion bash)', 'bash, this shell only'],
      ['plumb completion zsh > "${fpath[1]}/_plumb"', 'zsh (after compinit), for every new shell'],
      ['plumb completion fish > ~/.config/fish/completions/plumb.fish', 'fish'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/completion.js')));
  program.addCommand(cmd);

  const complete = new Command('__complete')
    .description('the candidates for the last word of a plumb command line (used by the completion scripts)')
    .argument('[words...]', 'the words after `plumb`, the last being the one typed so far')
    .helpOption(false)
    .allowUnknownOption()
    .action(lazyAction(() => import('../actions/completion.js').then((m) => ({ action: m.complete }))));
  program.addCommand(complete, { hidden: true });
}
