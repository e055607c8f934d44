import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIOME_CONFIG, LAYERS, biomeConfig, renderBiomeConfig } from './biome-config.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIOME = new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'plumb-layers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Lints `source` as the file `path` of a scratch tree that has the repository's
 * biome.json (the same rules, without the Git ignore file), so the real tree is
 * never touched.
 */
function lintAs(path: string, source: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(scratch, 'case-'));
  const { $schema: _schema, ...config } = biomeConfig() as Record<string, unknown>;
  writeFileSync(join(dir, 'biome.json'), JSON.stringify({ ...config, vcs: { enabled: false } }));
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), source);
  const r = spawnSync(process.execPath, [BIOME, 'lint', '--diagnostic-level=error', path], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('layers that only point down (biome.json, noRestrictedImports)', () => {
  it('biome.json is generated from test/lint/biome-config.ts', () => {
    const message = 'biome.json does not match test/lint/biome-config.ts: run `npm run lint:config` and commit biome.json';
    expect(readFileSync(BIOME_CONFIG, 'utf8') === renderBiomeConfig(), message).toBe(true);
  });

  it('an upward import fails the check, naming the layers allowed', () => {
    const upward = lintAs('engine/model/probe.ts', "import type { Plan } from '../plan/types.js';\nexport type P = Plan;\n");
    expect(upward.status).toBe(1);
    expect(upward.output).toContain('engine/model/ may import only the layers below it: none');
    const deep = lintAs('engine/providers/fake/probe.ts', "import { applyPlan } from '../../apply/apply-plan.js';\nexport const a = applyPlan;\n");
    expect(deep.status).toBe(1);
    expect(deep.output).toContain(
      'engine/providers/ may import only the layers below it: model, concurrency, network, yaml, redact, json-schema, config, cache, kubernetes-schema, load, render, graph, capacity, validate',
    );
    const frontEnd = lintAs('engine/plan/probe.ts', "import { EXIT } from '../../cli/exit-codes.js';\nexport const e = EXIT;\n");
    expect(frontEnd.status).toBe(1);
  });

  it('a front end that reaches past the facade fails the check; the facade itself passes', () => {
    const past = lintAs('cli/commands/probe.ts', "import { runPlan } from '../../engine/plan/run-plan.js';\nexport const p = runPlan;\n");
    expect(past.status).toBe(1);
    expect(past.output).toContain('cli/ reaches the engine through engine/index.ts only');
    expect(lintAs('tui/hooks/probe.ts', "import { plan } from '../../engine/index.js';\nexport const p = plan;\n").status).toBe(0);
  });

  it('a downward import passes', () => {
    expect(lintAs('engine/plan/probe.ts', "import type { CI } from '../model/ci.js';\nexport type C = CI;\n").status).toBe(0);
  });

  it('every engine folder has its place in the order', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const folders = readdirSync(`${ROOT}engine`).filter((f) => statSync(`${ROOT}engine/${f}`).isDirectory());
    expect(folders.filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
  });
});
