import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { createLocalPathSource, watchScope } from '../../../engine/sources/local-path-source.js';
import { copyExample, GIT_IDENTITY } from '../../helpers/example-copy.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** The bundled example, committed, with a node_modules of 400 files and a dist/ beside it — a developer's checkout. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-watch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  copyExample(dir, { git: true });
  for (let p = 0; p < 20; p++) {
    mkdirSync(join(dir, 'node_modules', `pkg-${p}`, 'lib'), { recursive: true });
    for (let f = 0; f < 20; f++) writeFileSync(join(dir, 'node_modules', `pkg-${p}`, 'lib', `f${f}.js`), '//\n');
  }
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'main.js'), '//\n');
  return dir;
}

function filesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += 1 + (e.isDirectory() ? filesUnder(join(dir, e.name)) : 0);
  return n;
}

/** Resolves on the source's next change notification, or with 'quiet' after `ms`. */
function nextChange(changes: { n: number }, ms: number): Promise<'changed' | 'quiet'> {
  const start = changes.n;
  const deadline = Date.now() + ms;
  return new Promise((resolve) => {
    const tick = setInterval(() => {
      if (changes.n > start) resolve('changed');
      else if (Date.now() > deadline) resolve('quiet');
      else return;
      clearInterval(tick);
    }, 20);
  });
}

describe('local path source: the watcher covers what plumb reads, not the checkout', () => {
  it('watches plumb.yaml, the inventory and policy glob bases, schemas and the refs — never node_modules, .git objects, dist or actual state', async () => {
    const dir = checkout();
    const source = createLocalPathSource({ path: dir, debounceMs: 10 });
    const stop = source.watch!(() => undefined);
    cleanups.push(stop);
    const watched = (await source.watchedPaths()).map((p) => relative(dir, p));
    // the checkout itself, plumb.yaml, and what it reads: inventory/, apps/, charts/, policies/, schemas/
    const expected = ['inventory', 'apps', 'charts', 'policies', 'schemas'].reduce((n, d) => n + 1 + filesUnder(join(dir, d)), 2);
    expect(watched).toContain('');
    expect(watched.filter((p) => !p.startsWith('.git'))).toHaveLength(expected);
    expect(watched).toContain('plumb.yaml');
    expect(watched).toContain('inventory/data.yaml');
    expect(watched).toContain('charts/status-page/templates/_helpers.tpl');
    expect(watched.filter((p) => p.startsWith('.git')).sort()).toEqual(['.git', '.git/HEAD', '.git/refs', '.git/refs/heads', '.git/refs/heads/main']);
    expect(watched.some((p) => /node_modules|^dist|^observed|objects/.test(p))).toBe(false);
    expect(statSync(join(dir, 'node_modules')).isDirectory()).toBe(true);
  });

  it('fires on an inventory edit and a commit; not on node_modules, dist or the snapshot the apply writes', async () => {
    const dir = checkout();
    const changes = { n: 0 };
    const source = createLocalPathSource({ path: dir, debounceMs: 10 });
    cleanups.push(source.watch!(() => changes.n++));
    await source.watchedPaths();
    const quiet = nextChange(changes, 1500);
    writeFileSync(join(dir, 'node_modules', 'pkg-1', 'lib', 'new.js'), '//\n');
    writeFileSync(join(dir, 'dist', 'main.js'), '// rebuilt\n');
    appendFileSync(join(dir, 'observed', 'snapshot.yaml'), '# applied\n');
    expect(await quiet).toBe('quiet');

    const edited = nextChange(changes, 10_000);
    appendFileSync(join(dir, 'inventory', 'data.yaml'), '# edited\n');
    expect(await edited).toBe('changed');

    // an empty commit changes no watched file but names a new revision: refs/heads/main moves
    await new Promise((r) => setTimeout(r, 100));
    const committed = nextChange(changes, 10_000);
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'empty'], { cwd: dir, env: { ...process.env, ...GIT_IDENTITY } });
    expect(await committed).toBe('changed');
  });

  it('a plumb.yaml that adds a glob base widens the watch to it', async () => {
    const dir = checkout();
    const changes = { n: 0 };
    const source = createLocalPathSource({ path: dir, debounceMs: 10 });
    cleanups.push(source.watch!(() => changes.n++));
    await source.watchedPaths();
    mkdirSync(join(dir, 'extra'));
    const before = nextChange(changes, 1000);
    writeFileSync(join(dir, 'extra', 'a.yaml'), 'x: 1\n');
    expect(await before).toBe('quiet');

    const reconfigured = nextChange(changes, 10_000);
    writeFileSync(join(dir, 'plumb.yaml'), readFileSync(join(dir, 'plumb.yaml'), 'utf8').replace('inventory: [', 'inventory: ["extra/**/*.yaml", '));
    expect(await reconfigured).toBe('changed');
    await new Promise((r) => setTimeout(r, 500));
    const widened = nextChange(changes, 10_000);
    writeFileSync(join(dir, 'extra', 'a.yaml'), 'x: 2\n');
    expect(await widened).toBe('changed');
    expect((await source.watchedPaths()).map((p) => relative(dir, p))).toContain('extra/a.yaml');
  });

  it("reads plumb.yaml on the loader's terms: a link out of the checkout is not followed (nor is a FIFO opened blocking) — a hostile review", async () => {
    const dir = checkout();
    const outside = mkdtempSync(join(tmpdir(), 'plumb-watch-outside-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(join(outside, 'plumb.yaml'), readFileSync(join(dir, 'plumb.yaml'), 'utf8').replace('inventory: [', 'inventory: ["extra/**/*.yaml", '));
    rmSync(join(dir, 'plumb.yaml'));
    symlinkSync(join(outside, 'plumb.yaml'), join(dir, 'plumb.yaml'));
    mkdirSync(join(dir, 'extra'));
    writeFileSync(join(dir, 'extra', 'a.yaml'), 'x: 1\n');
    const source = createLocalPathSource({ path: dir, debounceMs: 10 });
    cleanups.push(source.watch!(() => undefined));
    // the loader refuses such a plumb.yaml (load.symlink-outside): the watch keeps the defaults, not the outside file's globs
    expect((await source.watchedPaths()).map((p) => relative(dir, p))).not.toContain('extra/a.yaml');
  });
});

describe('watchScope', () => {
  it('covers the glob bases, the directories leading to them, literal files and the render inputs', () => {
    const scope = watchScope({
      ...DEFAULT_CONFIG,
      inventory: ['deploy/prod/**/*.yaml', 'single.yaml', '!deploy/prod/skip/**'],
      policies: ['./rules/*.yaml'],
      render: { ...DEFAULT_CONFIG.render, kustomizations: ['kust/overlay'], releases: [{ chart: 'helm/web', values: ['values/web.yaml'] }] },
    });
    for (const yes of [
      '',
      'plumb.yaml',
      'deploy',
      'deploy/prod',
      'deploy/prod/a/b.yaml',
      'single.yaml',
      'rules/x.yaml',
      'schemas/A.schema.json',
      'kust',
      'kust/overlay/x.env',
      'helm/web/templates/_h.tpl',
      'values/web.yaml',
      '.git/refs/heads/feature/x',
    ])
      expect(scope.covers(yes), yes).toBe(true);
    for (const no of [
      'deploy/dev',
      'README.md',
      'node_modules',
      'deploy/prod/node_modules/x.yaml',
      '.plumb/backups',
      '.git/objects/ab/cdef',
      '.git/index',
      'values/other.yaml',
      '../outside',
    ])
      expect(scope.covers(no), no).toBe(false);
  });

  it('a glob from the root covers the repository, still without node_modules, .plumb and .git objects', () => {
    const scope = watchScope({ ...DEFAULT_CONFIG, inventory: ['**/*.yaml'] });
    expect(scope.covers('any/where/x.yaml')).toBe(true);
    expect(scope.covers('node_modules/a/x.yaml')).toBe(false);
    expect(scope.covers('.git/objects/pack')).toBe(false);
  });
});

describe("local path source: the revision reads the work tree on the loader's terms", () => {
  it('a link in a dirty checkout to a FIFO, to /dev/zero or out of the checkout is not followed — the fetch ends, and the link still names the revision', async () => {
    const dir = checkout();
    const source = createLocalPathSource({ path: dir, debounceMs: 10 });
    const clean = (await source.fetch(new AbortController().signal)).revision;
    expect(clean).toMatch(/^[0-9a-f]{40}$/);
    // git lists a link (never a FIFO) as untracked; its target was read through the link: a FIFO's blocking open
    // never returned (the controller's fetch hung for good), /dev/zero was read to 2 GiB
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    symlinkSync('pipe', join(dir, 'inventory', 'pipe.yaml'));
    symlinkSync('/dev/zero', join(dir, 'inventory', 'zero.yaml'));
    const outside = mkdtempSync(join(tmpdir(), 'plumb-revision-outside-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(join(outside, 'secret.yaml'), 'a: 1\n');
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'inventory', 'outside.yaml'));
    const dirty = (await source.fetch(new AbortController().signal)).revision;
    expect(dirty).toMatch(new RegExp(`^${clean}-dirty-[0-9a-f]{12}$`));
    // a file out of the checkout is no part of the revision: its edit names none
    writeFileSync(join(outside, 'secret.yaml'), 'a: 2\n');
    expect((await source.fetch(new AbortController().signal)).revision).toBe(dirty);
    // the link itself is: pointed elsewhere, it names another revision
    rmSync(join(dir, 'inventory', 'outside.yaml'));
    symlinkSync(join(outside, 'other.yaml'), join(dir, 'inventory', 'outside.yaml'));
    expect((await source.fetch(new AbortController().signal)).revision).not.toBe(dirty);
  }, 20_000);
});
