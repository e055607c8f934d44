import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './harness.js';

const ROOT = resolve(FIXTURES, '../..');

describe('plumb tui on the command line', () => {
  it('refuses without a terminal, with a hint and exit 1, and no stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'cli/main.ts'), 'tui', '--repo', resolve(FIXTURES, 'tui-small')], {
      cwd: ROOT,
      encoding: 'utf8',
      input: '',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect({ status: run.status, stderr: run.stderr, stdout: run.stdout }).toEqual({
      status: 1,
      stderr: 'error: plumb tui needs an interactive terminal\n  hint: run it in a terminal; for scripts use `plumb plan` and `plumb apply`\n',
      stdout: '',
    });
  });

  it('is listed in plumb help with its options', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'cli/main.ts'), 'tui', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--target <name>');
    expect(run.stdout).toContain('--watch');
    expect(run.stdout).toContain('--repo <dir>');
  });
});
