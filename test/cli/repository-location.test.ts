import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { runCli } from '../helpers/run-cli.js';

/** The fewest arguments with which each command goes looking for its repository. */
const ARGS: Record<string, string[]> = {
  validate: [],
  graph: [],
  impact: ['database:shop/orders-db'],
  why: ['database:shop/orders-db'],
  capacity: [],
  incidents: [],
  plan: [],
  review: ['--base', 'HEAD'],
  discover: [],
  apply: ['--auto-approve'],
  backup: [],
  backups: [],
  restore: ['20261125T101500Z-3fa2c1', '--dry-run'],
  controller: ['--no-leader-elect', '--listen', '127.0.0.1:0'],
};
/** Commands that read no repository (status: the controller's; completion: none), and the TUI, which first needs a terminal. */
const NO_REPOSITORY = new Set(['status', 'completion', 'tui']);

const dir = mkdtempSync(join(tmpdir(), 'plumb-no-repo-'));
const empty = join(dir, 'empty', 'deeper');
mkdirSync(empty, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('finding the repository: one rule for every command', () => {
  const names = buildProgram()
    .commands.map((c) => c.name())
    .filter((n) => !NO_REPOSITORY.has(n) && !n.startsWith('__'));

  it('every command that reads a repository is covered here', () => {
    expect(names.sort()).toEqual(Object.keys(ARGS).sort());
  });

  it.each(names)('plumb %s with no plumb.yaml here or above: config.not-found, exit 1', async (name) => {
    const r = await runCli([name, ...ARGS[name]!], { cwd: empty });
    // (graph and discover, whose default output is JSON/YAML, also put the failure on stdout in that format)
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: `error: no plumb.yaml in ${empty} or any directory above it\n  hint: run plumb inside a repository with a plumb.yaml at its root, or pass --repo DIR\n`,
    });
  });

  it.each(names)('plumb %s --repo /nonexistent: the same error as validate, exit 1', async (name) => {
    const missing = join(dir, 'nonexistent');
    const r = await runCli([name, ...ARGS[name]!, '--repo', missing]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: `error: repository directory not found: ${missing}\n  hint: pass --repo with an existing directory\n`,
    });
  });
});
