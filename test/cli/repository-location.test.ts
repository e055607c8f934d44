import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { makeGitRepo, removeGitRepo } from '../helpers/git-repo.js';
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

/**
 * A plumb.yaml that is there but broken: each kind of break, where it is, and
 * the code validate and plan give it.
 */
const BROKEN: Record<string, { config: string; at: string; code: string; says: string }> = {
  'a YAML syntax error': {
    config: 'inventory: ["inventory/**/*.yaml"]\ntargets:\n  live: {provider: fake\n',
    at: 'plumb.yaml:4:1',
    code: 'yaml.syntax',
    says: 'flow map in block collection must be sufficiently indented and end with a }',
  },
  'an unknown setting': {
    config: 'inventory: ["inventory/**/*.yaml"]\nbackups: {dir: .plumb/backups}\n',
    at: 'plumb.yaml:2:1',
    code: 'config.invalid',
    says: 'unknown setting backups',
  },
};

describe('a broken plumb.yaml: every command that reads it refuses, at its file:line:column, as validate and plan do', () => {
  // The controller is left out: a long-running process refuses the revision and keeps serving (controller.test.ts, InvalidRevision).
  const names = buildProgram()
    .commands.map((c) => c.name())
    .filter((n) => !NO_REPOSITORY.has(n) && n !== 'controller' && !n.startsWith('__'));
  const repos = Object.fromEntries(
    Object.entries(BROKEN).map(([kind, b]) => [
      kind,
      makeGitRepo({
        'plumb.yaml': b.config,
        'inventory/team.yaml': 'apiVersion: plumb.io/v1\nkind: Group\nmetadata: {name: team}\nspec: {}\n',
      }),
    ]),
  );
  afterAll(() => Object.values(repos).forEach((r) => removeGitRepo(r)));

  it('every command but the controller is covered here', () => {
    expect([...names, 'controller'].sort()).toEqual(Object.keys(ARGS).sort());
  });

  const cases = names.flatMap((name) => Object.keys(BROKEN).map((kind) => [name, kind] as const));
  it.each(cases)('plumb %s with %s in plumb.yaml: exit 1, the position, code and message, no stack trace', async (name, kind) => {
    const b = BROKEN[kind]!;
    const r = await runCli([name, ...ARGS[name]!, '--repo', repos[kind]!]);
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(1);
    // on stderr, or on stdout for validate, whose report is its output
    const text = name === 'validate' ? r.stdout : r.stderr;
    expect(text).toContain(b.at);
    expect(text).toContain(b.code);
    expect(text).toContain(b.says);
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('the refusal is a failure document in JSON too, with the position as fields', async () => {
    const r = await runCli(['backups', '-o', 'json', '--repo', repos['an unknown setting']!]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'config.invalid', file: 'plumb.yaml', line: 2, column: 1 }),
    ]);
  });
});
