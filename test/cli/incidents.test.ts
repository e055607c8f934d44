import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentCorrelator } from '../../engine/correlate/correlator.js';
import { graphOf } from '../engine/impact/graph-fixture.js';
import { runCli } from '../helpers/run-cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A repository whose plumb.yaml puts the incident state in `state/`, with one open and one resolved incident recorded there. */
async function recorded(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-incidents-cli-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'plumb.yaml'), 'notifications:\n  stateDir: state\n');
  const graph = graphOf(
    [
      'endpoint:shop/api hostedOn host:dc1/web-01',
      'endpoint:shop/www hostedOn host:dc1/web-01',
      'businessservice:shop/webshop dependsOn endpoint:shop/www',
      'endpoint:shop/metrics hostedOn host:dc1/mon',
    ],
    {
      'businessservice:shop/webshop': { spec: { criticality: 'critical' } },
    },
  );
  const c = await IncidentCorrelator.open({ statePath: join(dir, 'state', 'incidents.json'), windowMs: 0 });
  const at = (m: number) => new Date(Date.UTC(2026, 0, 5, 9, m)).toISOString();
  c.submit([{ ci: 'endpoint:shop/metrics', kind: 'down', time: at(0), detail: 'timed out after 2000 ms', severity: 'major' }]);
  await c.evaluate({ now: new Date(at(0)), graph });
  c.submit([{ ci: 'endpoint:shop/metrics', kind: 'down', time: at(1), detail: 'up', severity: 'cleared' }]);
  c.submit(['api', 'www'].map((e) => ({ ci: `endpoint:shop/${e}`, kind: 'down', time: at(1), detail: 'connection refused', severity: 'major' as const })));
  await c.evaluate({ now: new Date(at(1)), graph });
  return dir;
}

describe('plumb incidents', () => {
  it('lists the open incident with its cause, symptoms and services, then the resolved one', async () => {
    const dir = await recorded();
    const { code, stdout, stderr } = await runCli(['incidents', '--repo', dir]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n').map((l) => l.replace(/ · [0-9a-f]{12}$/, ''))).toEqual([
      'OPEN     host:dc1/web-01 is down (inferred)  major · since 2026-01-05T09:01:00.000Z · #1',
      '  business services: businessservice:shop/webshop (critical, down)',
      expect.stringMatching(/^ {2}risk: \w+ \(\d+\)$/),
      '  symptoms:',
      '    endpoint:shop/api  connection refused  ← hostedOn host:dc1/web-01',
      '    endpoint:shop/www  connection refused  ← hostedOn host:dc1/web-01',
      '  other candidates: endpoint:shop/api, endpoint:shop/www',
      'RESOLVED endpoint:shop/metrics is down (timed out after 2000 ms)  major · 2026-01-05T09:00:00.000Z → 2026-01-05T09:01:00.000Z · #2',
      '  business services: none hit',
      '  risk: low (9)',
      '',
    ]);
  });

  it('--open -o json: only the open one, in full', async () => {
    const dir = await recorded();
    const { code, stdout } = await runCli(['incidents', '--repo', dir, '--open', '-o', 'json']);
    expect(code).toBe(0);
    const { incidents } = JSON.parse(stdout);
    expect(incidents.map((i: { status: string; cause: { id: string }[] }) => [i.status, i.cause.map((x) => x.id)])).toEqual([['open', ['host:dc1/web-01']]]);
  });

  it('no state yet: says so; a state file that is not one: exit 1 with a hint, no stack trace', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'plumb-incidents-none-'));
    dirs.push(empty);
    expect((await runCli(['incidents', '--repo', empty])).stdout).toBe('no incidents open or resolved recently\n');
    mkdirSync(join(empty, 'broken'));
    writeFileSync(join(empty, 'broken', 'incidents.json'), '{"version": 7}');
    const r = await runCli(['incidents', '--repo', empty, '--state-dir', join(empty, 'broken')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a plumb incident state file');
    expect(r.stderr).toContain('hint: move the file away');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
