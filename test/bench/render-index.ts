/**
 * The warm plan of a GitOps-shaped repository: the seeded generator's CIs plus
 * what such repositories render — two Kustomize overlays over one base, a Helm
 * release, SOPS-encrypted Secrets (test/fixtures/render-shop and render-sops) —
 * and `units` more Kustomize units of 20 objects each. Measures `plumb plan -o
 * json` (the built CLI, dist/) with a warm content cache: CPU seconds and peak
 * RSS from /usr/bin/time, the load average beside each run, rounds interleaved;
 * beside it the same build on the repository without the rendered and SOPS
 * files (the plain repository's warm plan, which always had the graph index),
 * and with `--before DIR` another build (an older commit's checkout, built) on
 * the rendered repository, in the same rounds.
 *
 *   npm run build && npx tsx test/bench/render-index.ts [cis=10000] [units=5] [rounds=5] [--before DIR]
 *
 * Needs kustomize, helm and sops (test/tools/build.sh).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolPath } from '../../engine/render/tools.js';
import { fixtureTree } from '../helpers/fixture-tree.js';
import { generateInventory } from './generate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures');
const beforeAt = process.argv.indexOf('--before');
const before = beforeAt >= 0 ? process.argv[beforeAt + 1] : undefined;
const positional = process.argv.slice(2).filter((_a, i, all) => all[i - 1] !== '--before' && all[i] !== '--before');
const cis = Number(positional[0] ?? 10000);
const units = Number(positional[1] ?? 5);
const rounds = Number(positional[2] ?? 5);
for (const tool of ['kustomize', 'helm', 'sops'] as const) {
  if (!toolPath(tool)) {
    console.error(`${tool} not found: run test/tools/build.sh`);
    process.exit(1);
  }
}

interface Measured {
  readonly cpu: number;
  readonly rssMb: number;
  readonly load: number;
}

/** `plumb plan -o json` of `repo` by the build at `build`, under /usr/bin/time. */
function plan(build: string, repo: string, cache: string): Measured {
  return cli(build, ['plan', '--repo', repo, '-o', 'json'], cache);
}

/** `plumb ARGS` by the build at `build`, under /usr/bin/time; its output is discarded. */
function cli(build: string, args: readonly string[], cache: string): Measured {
  const load = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, join(build, 'dist', 'cli', 'main.js'), ...args], {
    env: { ...process.env, PLUMB_CACHE_DIR: cache, SOPS_AGE_KEY_FILE: join(FIXTURES, 'render-sops', 'age-key.txt'), NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const [user, system, rssKb] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  if (r.status === null || r.status > 3 || !Number.isFinite(user))
    throw new Error(`plumb ${args.join(' ')} by ${build} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { cpu: Math.round((user + system) * 1000) / 1000, rssMb: Math.round(rssKb / 1024), load: Math.round(load * 100) / 100 };
}

/** Kustomize unit `i`: a base of one Deployment, a Service and 18 ConfigMaps the Deployment mounts, and an overlay patching it. */
function unitFiles(i: number): Record<string, string> {
  const dir = `inventory/apps/extra-${i}`;
  const configMaps = Array.from({ length: 18 }, (_, k) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${k}\ndata:\n  INDEX: "${k}"\n`);
  const volumes = Array.from({ length: 18 }, (_, k) => `        - {name: v${k}, configMap: {name: cfg-${k}}}`).join('\n');
  const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: extra-${i}}}\n  template:\n    metadata: {labels: {app: extra-${i}}}\n    spec:\n      containers: [{name: app, image: "registry.example.com/extra-${i}:1"}]\n      volumes:\n${volumes}\n`;
  const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  selector: {app: extra-${i}}\n  ports: [{port: 80}]\n`;
  return {
    [`${dir}/base/kustomization.yaml`]: 'resources: [objects.yaml]\n',
    [`${dir}/base/objects.yaml`]: [deployment, service, ...configMaps].join('---\n'),
    [`${dir}/overlays/prod/kustomization.yaml`]: `namespace: extra-${i}\nresources: [../../base]\npatches: [{path: replicas.yaml}]\n`,
    [`${dir}/overlays/prod/replicas.yaml`]: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {replicas: 3}\n',
  };
}

const work = mkdtempSync(join(tmpdir(), 'plumb-bench-render-index-'));
try {
  const plain = join(work, 'plain');
  const rendered = join(work, 'rendered');
  generateInventory(plain, { cis });
  cpSync(plain, rendered, { recursive: true });
  const shop = fixtureTree(join(FIXTURES, 'render-shop'));
  const tree: Record<string, string> = {};
  for (const [path, text] of Object.entries(shop)) if (path.startsWith('inventory/')) tree[path] = text;
  for (const [path, text] of Object.entries(fixtureTree(join(FIXTURES, 'render-sops')))) if (path.startsWith('inventory/')) tree[path] = text;
  for (let i = 0; i < units; i++) Object.assign(tree, unitFiles(i));
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(rendered, path)), { recursive: true });
    writeFileSync(join(rendered, path), text);
  }
  // the generated plumb.yaml, with render-shop's inventory globs and Helm release
  const renderBlock = shop['plumb.yaml'].slice(shop['plumb.yaml'].indexOf('render:'));
  writeFileSync(
    join(rendered, 'plumb.yaml'),
    `${readFileSync(join(plain, 'plumb.yaml'), 'utf8')}inventory: ["inventory/**/*.{yaml,yml}", "!**/charts/*/charts/**"]\n${renderBlock}`,
  );

  const builds: [string, string, string][] = [
    ['this build, rendered repo', ROOT, rendered],
    ['this build, plain repo', ROOT, plain],
    ...(before ? ([['--before build, rendered repo', before, rendered]] as [string, string, string][]) : []),
  ];
  const caches = builds.map((_b, i) => join(work, `cache-${i}`));
  // cold, then warm once: every cache holds what a warm plan reads
  builds.forEach(([, build, repo], i) => {
    plan(build, repo, caches[i]);
    plan(build, repo, caches[i]);
  });
  const results = builds.map(() => [] as Measured[]);
  for (let r = 0; r < rounds; r++) builds.forEach(([, build, repo], i) => results[i].push(plan(build, repo, caches[i])));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `warm plan -o json, ${cis} generated CIs + 3 fixture units, ${units} more Kustomize units (20 objects each), SOPS files; ${rounds} rounds interleaved`,
  );
  const base = median(results[0].map((m) => m.cpu));
  builds.forEach(([label], i) => {
    const cpu = results[i].map((m) => m.cpu);
    console.log(
      `${label.padEnd(30)} CPU-s ${cpu.map((c) => c.toFixed(2)).join(' / ')} (median ${median(cpu).toFixed(2)}, ${(median(cpu) / base).toFixed(2)}x this build's rendered)  peak RSS MiB ${results[i].map((m) => m.rssMb).join(' / ')}  load ${results[i].map((m) => m.load.toFixed(1)).join(' / ')}`,
    );
  });

  // a review of a pull request changing a chart value and one plain CI file, run again (warm): the full review,
  // whose head validation takes the graph index once the head was seen (a re-run, or a plan of the head before)
  const git = (...args: string[]) => spawnSync('git', ['-C', rendered, ...args], { encoding: 'utf8' });
  const who = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(...who, 'commit', '-qm', 'rendered repository');
  git('checkout', '-q', '-b', 'pr');
  writeFileSync(join(rendered, 'inventory', 'values', 'cache-prod.yaml'), `${tree['inventory/values/cache-prod.yaml']}# more memory next week\n`);
  const part = join(rendered, 'inventory', 'd000', 'part-00000.yaml');
  writeFileSync(part, readFileSync(part, 'utf8').replace('displayName: Team 0\n', 'displayName: Team zero\n'));
  git('add', '-A');
  git(...who, 'commit', '-qm', 'pr');
  const reviewArgs = ['review', '--repo', rendered, '--base', 'main', '--head', 'pr', '-o', 'json'];
  const reviewers = builds.flatMap(([label, build, repo], i) => (repo === rendered ? [[label, build, caches[i]] as const] : []));
  for (const [, build, cache] of reviewers) cli(build, reviewArgs, cache);
  const reviews = reviewers.map(() => [] as Measured[]);
  for (let r = 0; r < rounds; r++) reviewers.forEach(([, build, cache], i) => reviews[i].push(cli(build, reviewArgs, cache)));
  console.log('warm review -o json of a pull request changing a chart value and one plain CI file (the full review: rendered units)');
  const reviewBase = median(reviews[0].map((m) => m.cpu));
  reviewers.forEach(([label], i) => {
    const cpu = reviews[i].map((m) => m.cpu);
    console.log(
      `${label.padEnd(30)} CPU-s ${cpu.map((c) => c.toFixed(2)).join(' / ')} (median ${median(cpu).toFixed(2)}, ${(median(cpu) / reviewBase).toFixed(2)}x this build's)  peak RSS MiB ${reviews[i].map((m) => m.rssMb).join(' / ')}  load ${reviews[i].map((m) => m.load.toFixed(1)).join(' / ')}`,
    );
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
