import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './run-cli.js';

/** What the bundled example is: plumb.yaml and the directories it reads, as README's "Two commands" lists them. */
export const EXAMPLE_PARTS = ['plumb.yaml', 'inventory', 'apps', 'charts', 'policies', 'observed', 'schemas', '.gitignore'] as const;

/**
 * Copies the bundled example of this checkout (its work tree, so an edit under
 * test is what is copied; never `.plumb/`) into `dest`, and with `git`
 * commits it on branch `main` — a repository as a user's clone of it would be.
 */
export function copyExample(dest: string, options: { git?: boolean } = {}): string {
  for (const part of EXAMPLE_PARTS) {
    cpSync(join(PROJECT_ROOT, part), join(dest, part), { recursive: true, filter: (src) => !/[\\/]\.plumb([\\/]|$)/.test(src) });
  }
  if (options.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dest, stdio: 'pipe', env: { ...process.env, ...GIT_IDENTITY } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'the bundled example');
  }
  return dest;
}

/** A fixed author and committer, so commits do not depend on the machine's git config. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'plumb tests',
  GIT_AUTHOR_EMAIL: 'tests@plumb.invalid',
  GIT_COMMITTER_NAME: 'plumb tests',
  GIT_COMMITTER_EMAIL: 'tests@plumb.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
} as const;
