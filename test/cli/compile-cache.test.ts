import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

/**
 * V8's compile cache in plumb's cache directory (cli/main.ts): Node >= 22.1 only
 * (`module.enableCompileCache`; Node 20 has none, and these tests are skipped
 * there). Run against the built bundle (dist/bundle, `npm run build`), as a user
 * runs plumb. NODE_DEBUG_NATIVE=COMPILE_CACHE makes Node say what it read,
 * rejected and wrote.
 */
const hasCompileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe.skipIf(!hasCompileCache)('the compile cache (Node >= 22.1)', () => {
  let dir: string;
  let bundle: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-compile-cache-'));
    const built = join(PROJECT_ROOT, 'dist/bundle');
    if (!existsSync(join(built, 'plumb.js'))) throw new Error('run `npm run build` first: the compile cache is tested on the bundle');
    // a copy, so a test may change its files
    bundle = join(dir, 'bundle');
    cpSync(built, bundle, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"plumb","type":"module"}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function plumb(args: string[], env: Record<string, string> = {}, main = join(bundle, 'plumb.js')) {
    const r = spawnSync(process.execPath, [main, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_COMPILE_CACHE: undefined,
        PLUMB_CACHE: undefined,
        PLUMB_CACHE_DIR: join(dir, 'cache'),
        NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
        ...env,
      },
    });
    return { code: r.status, stdout: r.stdout, debug: r.stderr };
  }
  const entries = () => {
    const root = join(dir, 'cache', 'compile');
    return existsSync(root)
      ? readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name))
      : [];
  };
  // the command definitions' chunk (the entry itself is compiled before it turns the cache on)
  const PROGRAM = /file:\/\/\S+\/bundle\/program-[\w-]+\.js/;
  const accepted = new RegExp(`cache for (ESM )?${PROGRAM.source} was accepted`);

  it("lives in plumb's cache directory and serves the second run", () => {
    const first = plumb(['--version']);
    expect(first.code).toBe(0);
    expect(entries().length).toBeGreaterThan(0);
    const second = plumb(['--version']);
    expect(second.stdout).toBe(first.stdout);
    expect(second.debug).toMatch(accepted);
  });

  it('is neither read nor written with --no-cache or PLUMB_CACHE=off', () => {
    expect(plumb(['--version', '--no-cache']).code).toBe(0);
    expect(plumb(['--version'], { PLUMB_CACHE: 'off' }).code).toBe(0);
    expect(entries()).toEqual([]);
  });

  it('ignores a damaged entry: the run compiles afresh, answers the same and writes a good entry', () => {
    const first = plumb(['--version']);
    for (const f of entries()) writeFileSync(f, randomBytes(2048));
    const damaged = plumb(['--version']);
    expect(damaged.code).toBe(0);
    expect(damaged.stdout).toBe(first.stdout);
    expect(damaged.debug).toMatch(/mismatch/);
    expect(plumb(['--version']).debug).toMatch(accepted);
  });

  it("is trimmed with the content cache: another Node's stale subdirectory and an old build's stale entry go, this run's entries stay", () => {
    // the built bundle where it lies, beside the schemas and packages a command reads
    const installed = join(PROJECT_ROOT, 'dist/bundle/plumb.js');
    expect(plumb(['validate', '--help'], {}, installed).code).toBe(0);
    const mine = entries();
    const root = join(dir, 'cache', 'compile');
    const current = readdirSync(root)[0];
    const longAgo = new Date(Date.now() - 60 * 86_400_000);
    const oldNode = join(root, 'v22.1.0-x64-00000000-0');
    mkdirSync(oldNode);
    writeFileSync(join(oldNode, '12345'), randomBytes(64));
    const oldBuild = join(root, current, '4242424242');
    writeFileSync(oldBuild, randomBytes(64));
    for (const p of [join(oldNode, '12345'), oldNode, oldBuild]) utimesSync(p, longAgo, longAgo);
    // a content cache whose last trim was two hours ago, and a run that writes to it
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'inventory'), { recursive: true });
    writeFileSync(join(repo, 'plumb.yaml'), 'inventory: ["inventory/*.yaml"]\n');
    writeFileSync(join(repo, 'inventory', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\ndata: {k: v}\n');
    mkdirSync(join(dir, 'cache', 'content'), { recursive: true });
    const marker = join(dir, 'cache', 'content', '.trimmed');
    writeFileSync(marker, '');
    utimesSync(marker, new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
    const validated = plumb(['validate', '--repo', repo], {}, installed);
    expect(
      validated.code,
      validated.stdout +
        validated.debug
          .split('\n')
          .filter((l) => !/compile cache/i.test(l))
          .join('\n'),
    ).toBe(0);
    expect(existsSync(oldNode)).toBe(false);
    expect(existsSync(oldBuild)).toBe(false);
    for (const f of mine) expect(existsSync(f)).toBe(true);
  });

  it('ignores an entry compiled from another content of the same file (another plumb build at the same path)', () => {
    const first = plumb(['--version']);
    const program = readdirSync(bundle).find((f) => /^program-[\w-]+\.js$/.test(f));
    appendFileSync(join(bundle, String(program)), '\n// another build\n');
    const changed = plumb(['--version']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toBe(first.stdout);
    expect(changed.debug).toMatch(new RegExp(`${PROGRAM.source}.*mismatch`));
    expect(changed.debug).not.toMatch(accepted);
  });
});
