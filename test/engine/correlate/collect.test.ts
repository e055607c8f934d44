import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { collectHealthEvents } from '../../../engine/correlate/signals/collect.js';
import { loadRepository } from '../../../engine/load/load-repository.js';

const PLUGINS = fileURLToPath(new URL('../../fixtures/plugins/', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A repository with an exec target (the state-file plugin: healthy = present in its state) and a Host CI that is this machine, with thresholds. */
function repoWith(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-collect-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'inventory'));
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ 'item:default/a': { apiVersion: 'plumb.io/v1', kind: 'Item', metadata: { name: 'a' } } }));
  writeFileSync(join(dir, 'schemas', 'Item.schema.json'), JSON.stringify({ type: 'object' }));
  writeFileSync(
    join(dir, 'plumb.yaml'),
    `targets:\n  cmdb: {provider: exec, command: node, args: [${join(PLUGINS, 'state-file.mjs')}], env: {PLUGIN_STATE: ${join(dir, 'state.json')}}}\n`,
  );
  const me = hostname().split('.')[0].toLowerCase();
  writeFileSync(
    join(dir, 'inventory', 'all.yaml'),
    [
      'apiVersion: plumb.io/v1\nkind: Item\nmetadata: {name: a}\nsource: {provider: "exec:cmdb"}',
      'apiVersion: plumb.io/v1\nkind: Item\nmetadata: {name: b}\nsource: {provider: "exec:cmdb"}',
      `apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: other-machine}\nspec: {thresholds: {load1PerCpu: {warning: 0}}}`,
      `apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: ${JSON.stringify(me)}}\nsource: {hostname: ${JSON.stringify(hostname())}}\nspec:\n  thresholds:\n    memoryUsedPercent: {warning: 50, critical: 90}\n    diskUsedPercent: {warning: 99.9}`,
    ].join('\n---\n') + '\n',
  );
  return dir;
}

describe('collectHealthEvents', () => {
  it("asks an exec plugin's health and compares this machine's facts with its Host CI's thresholds", async () => {
    const repo = await loadRepository({ repo: repoWith() });
    const round = await collectHealthEvents(repo, {
      now: new Date('2026-01-05T09:00:00Z'),
      signal: new AbortController().signal,
      usage: () => ({ load1PerCpu: 3, memoryUsedPercent: 93.5, diskUsedPercent: () => 12 }),
    });
    expect(round.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(round.events.map((e) => `${e.source} ${e.ci} ${e.kind} ${e.severity} ${e.detail}`).sort()).toEqual([
      `exec:cmdb item:default/a unhealthy cleared healthy`,
      `exec:cmdb item:default/b unhealthy major unhealthy`,
      `host host:default/${hostname().split('.')[0].toLowerCase()} disk-full cleared under its thresholds`,
      `host host:default/${hostname().split('.')[0].toLowerCase()} memory-high major memory used at or over 90% (critical)`,
    ]);
    expect(round.events.every((e) => e.time === '2026-01-05T09:00:00.000Z')).toBe(true);
  });

  it('a plugin that cannot answer gives a diagnostic and no events: an unanswered question is not an outage', async () => {
    const dir = repoWith();
    writeFileSync(join(dir, 'plumb.yaml'), `targets:\n  cmdb: {provider: exec, command: node, args: [${join(PLUGINS, 'crash.mjs')}]}\n`);
    const repo = await loadRepository({ repo: dir });
    const round = await collectHealthEvents(repo, {
      now: new Date(),
      signal: new AbortController().signal,
      usage: () => ({ load1PerCpu: 0, memoryUsedPercent: 1, diskUsedPercent: () => 1 }),
    });
    expect(round.events.filter((e) => e.source === 'exec:cmdb')).toEqual([]);
    expect(round.diagnostics.map((d) => d.code)).toContain('exec.crashed');
  });
});
