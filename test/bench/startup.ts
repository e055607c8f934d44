/**
 * Start-up of the built CLI (issue 18): `plumb --version`, `plumb --help` and
 * `plumb validate` on the bundled example (the repository root), and `plumb
 * incidents` (plumb.yaml and the incident store: what the engine facade loads
 * beyond a command's needs shows here), each against
 * `node -e 0` measured in the same rounds — the floor of starting Node at all.
 * Rounds interleave the commands so the load of a shared machine weighs on all
 * of them alike; each figure is the median of the rounds, wall and CPU (user +
 * system of the process and its children, from bash's `times`). `validate`
 * runs once before the rounds, so its figures are warm (persistent content
 * cache filled, as for an operator's second run); `validate (cold)` runs with
 * PLUMB_CACHE=off.
 *
 * V8's compile cache: plumb enables it itself on Node >= 22.1 (cli/main.ts),
 * so there the `no compile cache` variants (NODE_DISABLE_COMPILE_CACHE=1) show
 * what it pays; on older Node it is reported as absent.
 *
 * `plumb` is the bin (dist/bundle/plumb.js, the esbuild bundle); `unbundled`
 * is the same build as tsc wrote it (dist/cli/main.js), to show what bundling
 * pays; `--before DIR` adds another build (an older commit) for a before/after.
 *
 *   node --import tsx test/bench/startup.ts [rounds] [--before DIR]      (needs npm run build)
 *
 * Goals: `--version` ≤ 3× `node -e 0`; warm `validate` ≤ 0.4 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The `plumb` binary (package.json bin): the esbuild bundle (test/build/bundle-cli.ts). */
const BIN = join(ROOT, 'dist/bundle/plumb.js');
/** The same CLI as tsc compiled it, one file per module, for comparison. */
const UNBUNDLED = join(ROOT, 'dist/cli/main.js');
const before = process.argv.indexOf('--before');
/** `--before DIR`: another build's CLI (e.g. a worktree of an older commit inside this checkout), measured in the same rounds. */
const BEFORE = before > 0 ? process.argv[before + 1] : undefined;
const rounds = Number(process.argv.slice(2).find((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--before') ?? 15);

if (!existsSync(BIN)) {
  console.error('dist/bundle/plumb.js is missing: run `npm run build` first');
  process.exit(1);
}

interface Sample {
  wall: number;
  cpu: number;
}

/** Runs `argv` under bash, output discarded; wall from bash's clock around it, CPU from `times` (children). */
function run(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Sample & { code: number } {
  const script = 's=$EPOCHREALTIME; "$@" >/dev/null 2>&1; c=$?; e=$EPOCHREALTIME; echo "$s $e $c"; times';
  const r = spawnSync('bash', ['-c', script, 'bench', ...argv], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  const [start, end, code] = lines[0].split(' ').map(Number);
  // `times`: the shell's own user/system, then its children's, as 0m0.123s
  const child = lines[2].match(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/);
  const cpu = child ? Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4]) : Number.NaN;
  return { wall: end - start, cpu, code };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const cacheDir = mkdtempSync(join(tmpdir(), 'plumb-bench-startup-'));
const compileCache = join(cacheDir, 'v8');
// plumb turns V8's compile cache on itself where Node has it (cli/main.ts); here it lives in this run's directory
process.env.NODE_COMPILE_CACHE = compileCache;
const cached = { PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE: 'on' };
const hasCompileCache = Number(process.versions.node.split('.')[0]) > 22 || /^22\.([1-9]|\d\d)/.test(process.versions.node);

const CASES: { name: string; argv: string[]; env?: NodeJS.ProcessEnv; exit?: number }[] = [
  { name: 'node -e 0 (baseline)', argv: [process.execPath, '-e', '0'] },
  { name: 'plumb --version', argv: [process.execPath, BIN, '--version'] },
  { name: 'plumb --help', argv: [process.execPath, BIN, '--help'] },
  // reads plumb.yaml and the incident store only: what the facade loads beyond that, this pays
  { name: 'plumb incidents', argv: [process.execPath, BIN, 'incidents'] },
  { name: 'plumb validate (warm)', argv: [process.execPath, BIN, 'validate'], env: cached },
  { name: 'plumb validate (cold: PLUMB_CACHE=off)', argv: [process.execPath, BIN, 'validate'], env: { PLUMB_CACHE: 'off' } },
  { name: 'unbundled --version', argv: [process.execPath, UNBUNDLED, '--version'] },
  { name: 'unbundled validate (warm)', argv: [process.execPath, UNBUNDLED, 'validate'], env: cached },
];
if (BEFORE) {
  // its bin, as here: the bundle where that build has one
  const main = existsSync(join(BEFORE, 'dist/bundle/plumb.js')) ? join(BEFORE, 'dist/bundle/plumb.js') : join(BEFORE, 'dist/cli/main.js');
  CASES.push(
    { name: 'before: --version', argv: [process.execPath, main, '--version'] },
    { name: 'before: --help', argv: [process.execPath, main, '--help'] },
    { name: 'before: incidents', argv: [process.execPath, main, 'incidents', '--repo', ROOT] },
    { name: 'before: validate', argv: [process.execPath, main, 'validate', '--repo', ROOT], env: cached },
  );
}
if (hasCompileCache) {
  CASES.push(
    { name: 'plumb --version, no compile cache', argv: [process.execPath, BIN, '--version'], env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
    { name: 'plumb validate (warm), no compile cache', argv: [process.execPath, BIN, 'validate'], env: { ...cached, NODE_DISABLE_COMPILE_CACHE: '1' } },
  );
}

console.log(
  `node ${process.version}, ${cpus().length} CPUs, ${rounds} rounds; load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (!hasCompileCache) console.log('V8 compile cache (module.enableCompileCache): absent on this Node (needs >= 22.1), so plumb runs without it');

// warm-up: fills the content cache and the compile cache, and checks every case runs as it should
for (const c of CASES) {
  const { code } = run(c.argv, c.env);
  if (code !== 0) {
    console.error(`${c.name} exited ${code}`);
    process.exit(1);
  }
}

const samples = new Map<string, Sample[]>(CASES.map((c) => [c.name, []]));
for (let i = 0; i < rounds; i++) for (const c of CASES) samples.get(c.name)!.push(run(c.argv, c.env));

const base = samples.get(CASES[0].name)!;
const baseWall = median(base.map((s) => s.wall));
const baseCpu = median(base.map((s) => s.cpu));
console.log(`\n${'command'.padEnd(44)} ${'wall s'.padStart(8)} ${'× node'.padStart(7)} ${'CPU s'.padStart(8)} ${'× node'.padStart(7)}`);
for (const c of CASES) {
  const s = samples.get(c.name)!;
  const wall = median(s.map((x) => x.wall));
  const cpu = median(s.map((x) => x.cpu));
  console.log(
    `${c.name.padEnd(44)} ${wall.toFixed(3).padStart(8)} ${(wall / baseWall).toFixed(2).padStart(7)} ${cpu.toFixed(3).padStart(8)} ${(cpu / baseCpu).toFixed(2).padStart(7)}`,
  );
}
const version = median(samples.get('plumb --version')!.map((x) => x.wall));
const validate = median(samples.get('plumb validate (warm)')!.map((x) => x.wall));
console.log(
  `\ngoals: --version ≤ 3× node -e 0 (wall): ${(version / baseWall).toFixed(2)}× ${version / baseWall <= 3 ? 'met' : 'NOT met'}; ` +
    `warm validate ≤ 0.4 s: ${validate.toFixed(3)} s ${validate <= 0.4 ? 'met' : 'NOT met'}`,
);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
rmSync(cacheDir, { recursive: true, force: true });
