/**
 * Hostile inputs (issue 13): the work plumb does on input a pull request
 * controls must grow linearly, with bounded memory. Each case at 1×, 4× and
 * 16× its base size, each measurement in a fresh child process (its own peak
 * RSS), and the time ratio against 1× printed beside it: linear is ~4 and
 * ~16, quadratic ~16 and ~256.
 *
 *   node --expose-gc --import tsx test/bench/hostile-input.ts [BASE_KB]   (default 100)
 *
 * Cases:
 *  - blank-lines   a file of blank lines through the loader (was 36.9 s for 100 KB)
 *  - spaces-colon  blanks before a colon on one line (the same regex, another shape)
 *  - alias-bomb    a billion-laughs snapshot, refused (was 2.1 GB and > 90 s for 700 bytes); scaled by repeating the bomb
 *  - cel-nested    a nested-comprehension policy over a list of N×1000 items, failing closed at its cost budget
 *  - credential-forms  an exec plugin's environment value of `a.a.a…` and `eyJ…` through the credential forms (a
 *                  URL password's unbounded scheme was quadratic: 5.6 s for 100 KB), then of `;password=x&token=`,
 *                  `"secret":"…"` pairs (settings inside a value: linear by construction)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const FACTORS = [1, 4, 16];

async function child(kind: string, factor: number, baseKb: number): Promise<void> {
  // modules first, so the figures are the work alone
  await Promise.all([
    import('../../engine/load/parse-yaml.js'),
    import('../../engine/providers/snapshot/read-snapshot.js'),
    import('../../engine/policy/cel.js'),
    import('../../engine/policy/cel-values.js'),
  ]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let detail = '';
  if (kind === 'blank-lines' || kind === 'spaces-colon') {
    const { parseYamlFile } = await import('../../engine/load/parse-yaml.js');
    const bytes = baseKb * 1024 * factor;
    const text = kind === 'blank-lines' ? '\n'.repeat(bytes) : `a:${' '.repeat(bytes)}1\n`;
    const r = parseYamlFile(text, 'a.yaml', { maxAliases: 100 });
    detail = `${(bytes / 1024).toFixed(0)} KB, ${r.documents.length} docs, parser ${r.parser}`;
  } else if (kind === 'alias-bomb') {
    const { readSnapshot } = await import('../../engine/providers/snapshot/read-snapshot.js');
    const dir = mkdtempSync(join(tmpdir(), 'plumb-bomb-'));
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const bomb = levels.join('\n');
    const text =
      'apiVersion: plumb.io/v1\nkind: Snapshot\nbombs:\n' +
      Array.from(
        { length: factor },
        (_, i) =>
          `  b${i}:\n${bomb
            .replace(/^/gm, '    ')
            .replace(/&(\w)/g, `&$1${i}`)
            .replace(/\*(\w)/g, `*$1${i}`)}`,
      ).join('\n') +
      '\nobjects: []\n';
    const path = join(dir, 'snapshot.yaml');
    writeFileSync(path, text);
    const r = await readSnapshot(path, 'snapshot.yaml');
    rmSync(dir, { recursive: true, force: true });
    detail = `${text.length} bytes, ${r.diagnostics.map((d) => d.code).join(',')}`;
  } else if (kind === 'credential-forms') {
    const { credentialsByForm } = await import('../../engine/providers/kubernetes/credential-settings.js');
    const bytes = baseKb * 1024 * factor;
    const found =
      credentialsByForm('a.'.repeat(bytes / 4) + 'x-'.repeat(bytes / 4)).length +
      credentialsByForm(';password=x1&token='.repeat(bytes / 40) + '"secret":"s\\"'.repeat(bytes / 28)).length;
    detail = `${(bytes / 1024).toFixed(0)} KB, ${found} found`;
  } else {
    const { compileCel, evaluateCel } = await import('../../engine/policy/cel.js');
    const { toCelInput } = await import('../../engine/policy/cel-values.js');
    const program = compileCel('object.spec.items.all(a, object.spec.items.all(b, a + b >= 0))');
    if (!('run' in program)) throw program;
    const object = toCelInput({ spec: { items: Array.from({ length: 1000 * factor }, (_, i) => i) } });
    const r = evaluateCel(program, { object } as never);
    detail = `${1000 * factor} items, ${(r as { code?: string }).code ?? String(r)}`;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024, detail }));
}

function main(): void {
  const baseKb = Number(process.argv[2] ?? 100);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const kind of ['blank-lines', 'spaces-colon', 'alias-bomb', 'cel-nested', 'credential-forms']) {
    let base = 0;
    for (const factor of FACTORS) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', kind, String(factor), String(baseKb)], { encoding: 'utf8' });
      if (r.status !== 0) {
        console.log(`${kind} ${factor}x: failed (${r.stderr.split('\n').slice(-3).join(' ')})`);
        continue;
      }
      const m = JSON.parse(r.stdout) as { ms: number; cpuMs: number; peakRssMiB: number; detail: string };
      if (factor === 1) base = m.ms;
      console.log(
        `${kind.padEnd(13)} ${String(factor).padStart(2)}x  ${m.ms.toFixed(0).padStart(7)} ms  cpu ${m.cpuMs.toFixed(0).padStart(7)} ms  ×${(m.ms / base).toFixed(1).padStart(5)} of 1x  peak RSS ${m.peakRssMiB.toFixed(0)} MiB  (${m.detail})`,
      );
    }
  }
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

if (process.argv[2] === '--child') await child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else main();
