import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/**
 * A secret value is scrubbed before any output escapes it: Markdown and HTML
 * escaping (`|` → `\|`, `<` → `&lt;`, a backtick → `'`, a newline → a space)
 * and the terminal's control-character escapes change its form into one the
 * output guard (engine/redact/guard-stream.ts) does not know, so the guard
 * alone let it through — into a pull request comment.
 */
describe('a secret that an output format escapes', () => {
  // a password as a generator makes them: every character Markdown, HTML or a terminal escapes
  const SECRET = 'Xq7|<b>pw_*zz`9!&Kr\u0007end';
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-secret-escaped-'));
    mkdirSync(join(dir, 'inventory'));
    mkdirSync(join(dir, 'policies'));
    mkdirSync(join(dir, 'observed'));
    writeFileSync(
      join(dir, 'plumb.yaml'),
      'inventory: ["inventory/*.yaml"]\npolicies: ["policies/*.yaml"]\ninventoryId: escaped\ntargets:\n  snap: {provider: snapshot, path: observed/snapshot.yaml}\n',
    );
    writeFileSync(join(dir, 'observed', 'snapshot.yaml'), 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n');
    // Database.spec.password is x-plumb-secret in plumb's own schema
    writeFileSync(
      join(dir, 'inventory', 'db.yaml'),
      `apiVersion: plumb.io/v1\nkind: Database\nmetadata: {name: orders, namespace: shop}\nspec:\n  engine: postgres\n  version: "16"\n  password: ${JSON.stringify(SECRET)}\n`,
    );
    // the same value copied into a ConfigMap (a DSN): its create diff is YAML, which writes U+0007 as `\a`
    writeFileSync(
      join(dir, 'inventory', 'dsn.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: orders-dsn, namespace: shop}\ndata:\n  dsn: ${JSON.stringify(`postgres://app:${SECRET}@orders/x`)}\n  multiline: ${JSON.stringify(`first line\n${SECRET}\nlast line`)}\n`,
    );
    // a policy whose message shows the value (a careless messageExpression)
    writeFileSync(
      join(dir, 'policies', 'p.yaml'),
      `apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: shows-it}\nspec:\n  action: warn\n  severity: low\n  scope: change\n  validations:\n    - expression: "false"\n      messageExpression: "'pw is ' + object.spec.password"\n`,
    );
    spawnSync('git', ['init', '-q'], { cwd: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Any recognisable piece of the secret, raw or escaped. */
  const leaks = (text: string) => ['Xq7', 'pw_*zz', '9!&', '9!&amp;', 'Kr\\x07', 'Kr\\a'].filter((piece) => text.includes(piece));

  it.each(['markdown', 'text', 'json', 'sarif'])(
    'plan -o %s shows (sensitive) where the policy message had the value, on stdout and in a file',
    async (format) => {
      const file = join(dir, `plan.${format}`);
      const r = await runCli(['plan', '-o', format, '-o', `${format}=${file}`, '--repo', dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('pw is (sensitive)');
      for (const text of [r.stdout, r.stderr, readFileSync(file, 'utf8')]) expect(leaks(text)).toEqual([]);
    },
  );

  it('plan -o markdown: the create diff of a ConfigMap holding the value (YAML escapes it as \\a) shows (sensitive)', async () => {
    const r = await runCli(['plan', '-o', 'markdown', '--repo', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('postgres://app:(sensitive)@orders/x');
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  it('discover -o yaml and --out write the same scrubbed snapshot: a Secret value copied into a ConfigMap', async () => {
    const snap = join(dir, 'observed', 'snapshot.yaml');
    const before = readFileSync(snap, 'utf8');
    try {
      writeFileSync(
        snap,
        JSON.stringify({
          apiVersion: 'plumb.io/v1',
          kind: 'Snapshot',
          objects: [
            { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password: SECRET } },
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'copy', namespace: 'shop' }, data: { dsn: `u:${SECRET}@h`, note: `'${SECRET}'` } },
          ],
        }),
      );
      const out = join(dir, 'discovered.yaml');
      const toStdout = await runCli(['discover', '--repo', dir, '-o', 'yaml']);
      const toFile = await runCli(['discover', '--repo', dir, '--out', out]);
      expect(toStdout.code, toStdout.stderr).toBe(0);
      expect(toFile.code, toFile.stderr).toBe(0);
      const file = readFileSync(out, 'utf8');
      for (const text of [toStdout.stdout, file]) {
        expect(text).toContain('u:(sensitive)@h');
        expect(leaks(text)).toEqual([]);
      }
      const body = (text: string) => text.replace(/takenAt: .*\n/, '');
      expect(body(file)).toBe(body(toStdout.stdout));
    } finally {
      writeFileSync(snap, before);
    }
  });
});
