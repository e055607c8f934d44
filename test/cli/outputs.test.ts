/**
 * Every output format says something when a command fails (issue 19): a pull
 * request whose head is invalid gets a Markdown comment that says why, JSON
 * with `diagnostics`, SARIF with results — the exit code unchanged — and one
 * run writes several formats (`-o markdown=review.md -o sarif=review.sarif`).
 * Real Git repositories, the real CLI.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import failureSchema from '../../schemas/failure-output.schema.json' with { type: 'json' };
import graphSchema from '../../schemas/graph-output.schema.json' with { type: 'json' };
import validateSchema from '../../schemas/validate-output.schema.json' with { type: 'json' };
import { branch, checkout, commit, git, removeGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { makeReviewRepo } from './review-repo.js';

const NOW = '2026-01-05T20:00:00Z';

function schemaErrors(schema: object, value: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The head of the invalid pull request: orders-db's kind misspelt, so it and every reference to it fail. */
const INVALID_DATA = `apiVersion: plumb.io/v1
kind: Databse
metadata:
  name: orders-db
  namespace: shop
spec:
  engine: postgres
`;

describe('plumb review and plan: every output format carries the diagnostics', () => {
  let repo: ReturnType<typeof makeReviewRepo>;
  let invalid: string;
  let dir: string;
  const review = (...args: string[]) => runCli(['review', '--repo', repo.dir, '--base', repo.base, '--now', NOW, ...args], { cwd: dir });

  beforeAll(() => {
    repo = makeReviewRepo();
    branch(repo.dir, 'invalid', { rev: repo.base, checkout: true });
    invalid = commit(repo.dir, { 'inventory/data.yaml': INVALID_DATA }, 'misspell a kind');
    checkout(repo.dir, 'main');
    dir = mkdtempSync(join(tmpdir(), 'plumb-outputs-'));
  });
  afterAll(() => {
    removeGitRepo(repo.dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('-o markdown of an invalid head is a comment that says the review could not be computed, with file:line, exit 1', async () => {
    const { code, stdout, stderr } = await review('--head', invalid, '-o', 'markdown');
    expect(stdout).toMatch(/^## plumb review — `[0-9a-f]{7}\.\.[0-9a-f]{7}`/);
    expect(stdout).toContain('**The review could not be computed**');
    expect(stdout).toMatch(/\| ⛔ error \| `inventory\/data\.yaml:2:7` \| `kind\.unknown` \| unknown kind "Databse"/);
    expect(stderr).toContain('inventory/data.yaml:2:7: error [kind.unknown]');
    expect(code).toBe(1);
  });

  it('-o json of an invalid head has ok: false and the diagnostics (schemas/failure-output.schema.json), exit 1', async () => {
    const { code, stdout } = await review('--head', invalid, '-o', 'json');
    const doc = JSON.parse(stdout);
    expect(schemaErrors(failureSchema, doc)).toEqual([]);
    expect(doc).toMatchObject({ ok: false, command: 'review', base: repo.base, revision: invalid });
    expect(doc.diagnostics).toContainEqual(expect.objectContaining({ code: 'kind.unknown', file: 'inventory/data.yaml', line: 2, column: 7 }));
    expect(code).toBe(1);
  });

  it('-o sarif of an invalid head is a valid SARIF log whose results are the diagnostics at their lines, exit 1', async () => {
    const { code, stdout } = await review('--head', invalid, '-o', 'sarif');
    const log = JSON.parse(stdout);
    expect(sarifErrors(log)).toEqual([]);
    const located = log.runs[0].results.map(
      (r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) =>
        `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`,
    );
    expect(located).toContain('kind.unknown inventory/data.yaml:2');
    expect(code).toBe(1);
  });

  it('one run writes several formats to files; stdout and the exit code are as without them', async () => {
    const files = { md: join(dir, 'invalid.md'), sarif: join(dir, 'invalid.sarif'), json: join(dir, 'invalid.json') };
    const { code, stdout, stderr } = await review('--head', invalid, '-o', `markdown=${files.md}`, '-o', `sarif=${files.sarif}`, '-o', `json=${files.json}`);
    expect(code).toBe(1);
    expect(stdout).toBe(''); // the default text goes to stderr on a failure, as without -o
    expect(stderr).toContain('[kind.unknown]');
    expect(readFileSync(files.md, 'utf8')).toBe((await review('--head', invalid, '-o', 'markdown')).stdout);
    expect(sarifErrors(JSON.parse(readFileSync(files.sarif, 'utf8')))).toEqual([]);
    expect(JSON.parse(readFileSync(files.json, 'utf8')).diagnostics.length).toBeGreaterThan(0);
  });

  it('a denied review written to files from one run equals each format written alone, exit 3', async () => {
    const md = join(dir, 'denied.md');
    const sarif = join(dir, 'denied.sarif');
    const both = await review('-o', `markdown=${md}`, '-o', `sarif=${sarif}`, '-o', 'json');
    expect(both.code).toBe(3);
    expect(readFileSync(md, 'utf8')).toBe((await review('-o', 'markdown')).stdout);
    expect(readFileSync(sarif, 'utf8')).toBe((await review('-o', 'sarif')).stdout);
    expect(JSON.parse(both.stdout).policy.denied).toBe(true);
    expect(readFileSync(md, 'utf8')).not.toMatch(/s3cr3t/);
  });

  it('an error thrown before anything is computed (an unknown base) is a comment and a JSON document too', async () => {
    const md = await runCli(['review', '--repo', repo.dir, '--base', 'no-such-branch', '-o', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('**The review could not be computed**');
    expect(md.stdout).toContain('no-such-branch');
    expect(md.stderr).toMatch(/^error: .*no-such-branch/m);
    const json = await runCli(['review', '--repo', repo.dir, '--base', 'no-such-branch', '-o', 'json']);
    expect(schemaErrors(failureSchema, JSON.parse(json.stdout))).toEqual([]);
    expect(json.code).toBe(1);
  });

  it('plan -o markdown of an invalid work tree is a comment that says why', async () => {
    writeFileSync(join(repo.dir, 'inventory/data.yaml'), INVALID_DATA);
    try {
      const { code, stdout } = await runCli(['plan', '--repo', repo.dir, '--now', NOW, '-o', 'markdown']);
      expect(stdout).toContain('**`plumb plan` could not be computed**');
      expect(stdout).toContain('`inventory/data.yaml:2:7`');
      expect(code).toBe(1);
    } finally {
      git(repo.dir, 'checkout', '--', 'inventory/data.yaml');
    }
  });

  it('refuses two formats on stdout, an unknown format and an empty file name, exit 1', async () => {
    const two = await review('-o', 'json', '-o', 'markdown');
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/-o json and -o markdown cannot both go to stdout/);
    const unknown = await review('-o', 'html');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Allowed choices are text, json, sarif, markdown/);
    const empty = await review('-o', 'json=');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/json= names no file/);
  });

  it('a file that cannot be written is a clear error, and nothing half-written is left', async () => {
    const target = join(dir, 'no-such-dir', 'r.md');
    const { code, stderr } = await review('-o', `markdown=${target}`);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot write the -o output .*r\.md: .*no-such-dir is not a directory that exists/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses, before anything runs or is written, two formats to one file and a directory; FORMAT=- is stdout', async () => {
    const same = join(dir, 'same.out');
    const two = await review('-o', `json=${same}`, '-o', `markdown=${join(dir, '.', 'same.out')}`);
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/-o json=.*same\.out and -o markdown=.*same\.out both write/);
    expect(two.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(same)).toBe(false);
    // the same format twice to one file is no conflict (this pull request is denied: exit 3)
    expect((await review('-o', `json=${same}`, '-o', `json=${same}`)).code).toBe(3);
    expect(JSON.parse(readFileSync(same, 'utf8'))).toHaveProperty('changes');
    const directory = await review('-o', `sarif=${dir}`, '-o', `json=${join(dir, 'not-written.json')}`);
    expect(directory.code).toBe(1);
    expect(directory.stderr).toMatch(/cannot write the -o output .*: it is a directory/);
    expect(existsSync(join(dir, 'not-written.json'))).toBe(false);
    const dash = await review('-o', 'json=-');
    expect(dash.code).toBe(3);
    expect(JSON.parse(dash.stdout)).toHaveProperty('changes');
    expect(existsSync(join(dir, '-'))).toBe(false);
  });
});

describe('every command with -o json says why it failed on stdout', () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'plumb-outputs-broken-'));
    writeFileSync(join(repo, 'plumb.yaml'), 'version: 1\ntargets: [\n');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  const commands: readonly (readonly string[])[] = [
    ['plan'],
    ['review', '--base', 'HEAD'],
    ['impact', 'host:x'],
    ['why', 'host:x'],
    ['capacity'],
    ['discover'],
    ['backup'],
    ['restore', 'no-such-backup', '--dry-run'],
    ['apply', '--auto-approve'],
  ];
  it.each(commands)('%s', async (...args) => {
    const { code, stdout, stderr } = await runCli([...args, '--repo', repo, '-o', 'json']);
    const doc = JSON.parse(stdout);
    expect(schemaErrors(failureSchema, doc)).toEqual([]);
    expect(doc.command).toBe(args[0]);
    expect(stderr).not.toBe('');
    expect(code).toBe(1);
  });

  it('validate and graph keep their own documents and add the diagnostics', async () => {
    const validated = await runCli(['validate', '--repo', repo, '-o', 'json']);
    expect(schemaErrors(validateSchema, JSON.parse(validated.stdout))).toEqual([]);
    expect(JSON.parse(validated.stdout).diagnostics).toContainEqual(expect.objectContaining({ code: 'yaml.syntax', file: 'plumb.yaml', line: 3 }));
    expect(validated.code).toBe(1);
    const graphed = await runCli(['graph', '--repo', repo, '-o', 'json']);
    expect(schemaErrors(graphSchema, JSON.parse(graphed.stdout))).toEqual([]);
    expect(JSON.parse(graphed.stdout).diagnostics).toContainEqual(expect.objectContaining({ code: 'yaml.syntax', file: 'plumb.yaml', line: 3 }));
    expect(graphed.code).toBe(1);
    const dot = await runCli(['graph', '--repo', repo, '-o', 'dot']);
    expect(dot.stdout).toMatch(/^\/\/ plumb\.yaml:3:1: error \[yaml\.syntax\]/m);
  });
});
