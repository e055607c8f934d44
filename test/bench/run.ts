/**
 * `npm run bench`: every benchmark, one after another, each in its own
 * process (so one's memory does not weigh on the next). Benchmarks are not
 * tests: they print figures, and targets are judged by reading them.
 *
 *   npm run bench                      all of them
 *   npm run bench -- load impact       only these
 *   npm run bench -- cache 10000       these, with these arguments instead of their defaults
 *   npm run bench -- startup --before DIR
 *
 * The leading arguments that name benchmarks choose them; everything from the
 * first one that does not (a size, a flag and its value, or after a literal
 * `--`) is given to each chosen benchmark in place of its default arguments.
 *
 * The kubernetes benchmark needs the test control plane (test/cluster/build.sh)
 * and a build, as the startup benchmark does (this script runs `npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const BENCHES: Record<string, { file: string; args: string[]; what: string }> = {
  load: { file: 'load.ts', args: [], what: 'load / validate / graph, 1k-10k-100k CIs, work tree and Git revision (issue 2)' },
  'git-readers': { file: 'git-readers.ts', args: ['3000'], what: 'native git vs isomorphic-git reading a revision' },
  yaml: { file: 'yaml-parsers.ts', args: ['10000'], what: 'the js-yaml fast path vs yaml on 100k CIs' },
  impact: { file: 'impact.ts', args: ['100000'], what: 'impact of the most depended-on CI, 100k CIs (issue 3)' },
  capacity: { file: 'capacity.ts', args: ['1000'], what: 'plumb capacity: 1,000 signals over 30 days of 5-minute data (issue 17)' },
  why: { file: 'why.ts', args: ['10000', '20'], what: 'plumb why: root cause of 20 generated failure sets, 10k CIs (issue 16)' },
  'scrub-stream': {
    file: 'scrub-stream.ts',
    args: ['100000'],
    what: 'secret scrubbing of split writes (stdout/stderr guard, plugin stderr) vs per write, 1,000 secrets (issue 13)',
  },
  hostile: {
    file: 'hostile-input.ts',
    args: ['100'],
    what: 'hostile inputs at 1x/4x/16x: blank lines, blanks before a colon, alias bombs in a snapshot, nested CEL (issue 13)',
  },
  policy: { file: 'policy.ts', args: ['100000'], what: 'inventory policies over 100k CIs (issue 3)' },
  plan: { file: 'plan.ts', args: ['100000'], what: 'plan against a snapshot with 1% drift, and a 50-CI review, 100k CIs (issue 4)' },
  apply: { file: 'apply.ts', args: ['1000', '3'], what: 'apply of 1,000 file CIs with dir and git backups vs none (issue 5)' },
  kubernetes: {
    file: 'kubernetes.ts',
    args: [],
    what: 'plumb vs kubectl, 500 manifests, real API server: first apply, steady-state plan, diff (issues 6, 18)',
  },
  'invalid-object': { file: 'invalid-object.ts', args: [], what: 'plan with one invalid object among 10 vs without it, real API server (issue 12)' },
  cache: {
    file: 'cache.ts',
    args: ['1000', '10000', '100000'],
    what: 'content cache and incremental review: warm/cold plan vs the read + js-yaml floor, reviews of 1/50/500 CIs (issue 18)',
  },
  'plan-cost': {
    file: 'plan-cost.ts',
    args: ['1000', '10000', '100000'],
    what: 'cold plan CPU and peak RSS vs the read + js-yaml floor, 1k-10k-100k CIs; plan JSON size of a kube-prometheus-shaped bundle (issue 18)',
  },
  memory: {
    file: 'memory.ts',
    args: ['100000'],
    what: 'a plan stage by stage in one process: CPU, heap, external, RSS and the live set each stage adds, cache off/cold/warm (issue 18)',
  },
  render: { file: 'render.ts', args: ['20', '50', '900'], what: 'review with the render cache: 20 Kustomize units in 10k CIs, one changed (issue 15)' },
  'render-index': {
    file: 'render-index.ts',
    args: ['10000', '5', '5'],
    what: 'warm plan of 10k CIs with Kustomize overlays, a Helm release and SOPS files: the graph index (issue 18; --before DIR: another build)',
  },
  tui: { file: 'tui.ts', args: ['10000'], what: 'TUI open time and key latency, 10k CIs (issue 8)' },
  startup: {
    file: 'startup.ts',
    args: ['15'],
    what: 'CLI start-up: --version, --help, validate of the example (warm, cold) against node -e 0 (issue 18)',
  },
  controller: { file: 'controller.ts', args: ['--minutes', '1'], what: 'reconcile loop steady state, 10k CIs (issue 7; --minutes 10 for the full run)' },
};

const argv = process.argv.slice(2);
const firstArgument = argv.findIndex((a) => !(a in BENCHES));
const chosen = firstArgument < 0 ? argv : argv.slice(0, firstArgument);
const passed = firstArgument < 0 ? [] : argv.slice(argv[firstArgument] === '--' ? firstArgument + 1 : firstArgument);
// a word where a benchmark's name is expected is a misspelt name, not an argument
const misspelt = firstArgument >= 0 && /^[a-z][a-z-]*$/.test(argv[firstArgument]) ? argv[firstArgument] : undefined;
if (misspelt !== undefined) {
  console.error(`unknown benchmark: ${misspelt}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(1);
}
const names = chosen.length ? chosen : Object.keys(BENCHES);

if (names.includes('kubernetes') || names.includes('invalid-object') || names.includes('cache') || names.includes('startup') || names.includes('plan-cost')) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

let failed = 0;
for (const name of names) {
  const b = BENCHES[name];
  console.log(`\n=== ${name}: ${b.what}`);
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL(b.file, import.meta.url)), ...(passed.length ? passed : b.args)],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) {
    failed++;
    console.log(`(${name} exited ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
