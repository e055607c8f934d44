/**
 * plumb is an npm package that installs and runs as the GitHub Action and the
 * GitLab template install it (`npm install -g plumb@VERSION`): `npm pack`
 * builds dist/ (the prepare script) and packs it with the schemas, docs and
 * the CI scripts; the tarball installed into a fresh prefix gives a working
 * `bin/plumb` that validates and plans a copy of the bundled example, and the
 * CI scripts the GitLab template calls. One slow test (a build and an install
 * of the dependencies, from the npm cache when it has them).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

describe('npm pack', () => {
  const work = mkdtempSync(join(tmpdir(), 'plumb-npm-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs a tarball whose bin works when installed into a fresh prefix', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string; bin: { plumb: string } };
    // the prepare script (the build) prints to stdout before npm's JSON
    const packOutput = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[\s*\{/m))) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    expect(files).toContain(pkg.bin.plumb);
    // the JSON Schemas precompiled by the build (engine/json-schema/precompile.ts): an installed plumb compiles none of its own
    expect(files.filter((f) => /^dist\/ajv-standalone\/[0-9a-f]{32}\.cjs$/.test(f)).length).toBeGreaterThanOrEqual(14);
    expect(files).toContain('schemas/plan.schema.json');
    expect(files).toContain('schemas/failure-output.schema.json');
    expect(files).toEqual(
      expect.arrayContaining(['ci/install.sh', 'ci/review.sh', 'ci/upsert-comment.sh', 'ci/sarif-to-codequality.mjs', 'ci/gitlab/plumb-review.yml']),
    );
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('node_modules/') || f.endsWith('.test.js'))).toEqual([]);
    expect(files.filter((f) => /^(engine|cli|tui)\/.*\.ts$/.test(f))).toEqual([]); // the sources stay out; dist is the package

    const prefix = join(work, 'prefix');
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, packed[0].filename)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    });
    const plumb = join(prefix, 'bin', 'plumb');
    const env = { ...process.env, NO_COLOR: '1' };
    expect(execFileSync(plumb, ['--version'], { encoding: 'utf8', env }).trim()).toBe(pkg.version);

    // a copy of the bundled example, validated and planned by the installed plumb
    const example = join(work, 'example');
    for (const path of ['plumb.yaml', 'inventory', 'policies', 'observed', 'apps', 'charts', 'schemas']) {
      if (existsSync(join(PROJECT_ROOT, path))) cpSync(join(PROJECT_ROOT, path), join(example, path), { recursive: true });
    }
    const validated = execFileSync(plumb, ['validate', '-o', 'json'], { cwd: example, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(validated)).toMatchObject({ ok: true });
    let planned: string;
    try {
      planned = execFileSync(plumb, ['plan', '-o', 'json'], { cwd: example, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { status: number; stdout: string };
      expect(err.status).toBe(3); // the example's plan is denied by a policy, on purpose (README)
      planned = err.stdout;
    }
    expect(JSON.parse(planned).version).toBe(2); // the plan file form plumb writes now (schemas/plan.schema.json)

    // the CI scripts the GitLab template runs from the installed package
    const installed = join(prefix, 'lib', 'node_modules', 'plumb');
    for (const script of ['ci/review.sh', 'ci/upsert-comment.sh']) expect(statSync(join(installed, script)).mode & 0o111).not.toBe(0);
  }, 900_000);
});
