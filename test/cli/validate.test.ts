import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commit, makeGitRepo, tag } from '../helpers/git-repo.js';
import { fixture, runCli } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

const schemaOf = (dir: string, kind: string) => readFileSync(`${fixture(dir)}/schemas/${kind}.schema.json`, 'utf8');
const box = (name: string, target?: string) =>
  `apiVersion: plumb.io/v1\nkind: Box\nmetadata:\n  name: ${name}\n${target ? `relations:\n  - {type: dependsOn, target: ${target}}\n` : ''}`;

describe('plumb validate', () => {
  const repos: string[] = [];
  afterAll(() => repos.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('exits 0 on a valid repository and says what it checked', async () => {
    const { code, stdout, stderr } = await runCli(['validate', '--repo', fixture('validate-graph-kubernetes')]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '14 CIs, 13 relations: 0 errors, 0 warnings\n', stderr: '' });
  });

  it('-o json on a valid repository', async () => {
    const { code, stdout } = await runCli(['validate', '--repo', fixture('validate-graph-kubernetes'), '-o', 'json']);
    expect([code, JSON.parse(stdout)]).toEqual([0, { ok: true, cis: 14, relations: 13, diagnostics: [], policy: { results: [], denied: false } }]);
  });

  it('-o sarif is valid SARIF 2.1.0 with each diagnostic at its file and line', async () => {
    const { code, stdout } = await runCli(['validate', '--repo', fixture('validate-schema-violation'), '-o', 'sarif']);
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expect(sarifErrors(log)).toEqual([]);
    const located = log.runs[0].results.map(
      (r: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }) => [
        r.ruleId,
        r.locations[0].physicalLocation.artifactLocation.uri,
        r.locations[0].physicalLocation.region.startLine,
      ],
    );
    expect(located).toEqual([
      ['schema.violation', 'inventory/bad.yaml', 7],
      ['ref.unresolved', 'inventory/zz-other.yaml', 13],
    ]);
  });

  it('--rev validates exactly that revision: a problem fixed later is still reported there', async () => {
    const dir = makeGitRepo({
      'schemas/Box.schema.json': schemaOf('validate-kind-unknown', 'Box'),
      'inventory/a.yaml': box('a', 'box:b'),
      'inventory/b.yaml': box('b'),
    });
    repos.push(dir);
    tag(dir, 'v1');
    commit(dir, { 'inventory/b.yaml': null, 'inventory/a.yaml': box('a', 'box:missing') }, 'break a');
    tag(dir, 'v2');
    commit(dir, { 'inventory/a.yaml': box('a') }, 'fix a');

    const at = async (rev?: string) => {
      const { code, stdout } = await runCli(['validate', '--repo', dir, '-o', 'json', ...(rev ? ['--rev', rev] : [])]);
      const result = JSON.parse(stdout);
      return { code, cis: result.cis, problems: result.diagnostics.map((d: { code: string; file: string; line: number }) => `${d.code} ${d.file}:${d.line}`) };
    };
    expect(await at('v1')).toEqual({ code: 0, cis: 2, problems: [] });
    expect(await at('v2')).toEqual({ code: 1, cis: 1, problems: ['ref.unresolved inventory/a.yaml:6'] });
    expect(await at()).toEqual({ code: 0, cis: 1, problems: [] });

    const text = await runCli(['validate', '--repo', dir, '--rev', 'v2']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('inventory/a.yaml:6:31  error  ref.unresolved  reference "box:missing" does not resolve');
    // the work tree holds the fixed file: an excerpt, if the loader can give the revision's text, quotes v2 — never the work tree
    const excerpt = /^\s+6 \| (.*)$/m.exec(text.stdout);
    if (excerpt) expect(excerpt[1]).toBe('  - {type: dependsOn, target: box:missing}');
  });
});

it('validate says where a FIFO named like an inventory file is and ends: its excerpt is never read through a blocking open (a hostile review)', async () => {
  // faece68 made such a FIFO load.not-a-file; the caret excerpt then opened it with readFileSync and waited for good
  const repo = mkdtempSync(join(tmpdir(), 'plumb-validate-fifo-'));
  try {
    mkdirSync(join(repo, 'inventory'));
    writeFileSync(join(repo, 'inventory/h.yaml'), 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h}\n');
    execFileSync('mkfifo', [join(repo, 'inventory/pipe.yaml')]);
    symlinkSync('/dev/zero', join(repo, 'inventory/zero.yaml'));
    const r = await runCli(['validate', '--repo', repo]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('load.not-a-file');
    expect(r.stdout).toContain('inventory/pipe.yaml');
    expect(r.stdout).toContain('load.symlink-outside');
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}, 60_000);
