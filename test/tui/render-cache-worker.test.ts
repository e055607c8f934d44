import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toolPath } from '../../engine/render/tools.js';
import { planInWorker } from '../../tui/plan-in-worker.js';
import { fixture } from '../helpers/run-cli.js';
import { describeWithTools } from '../tools/render-tools.js';

describeWithTools('the TUI plans in a worker per refresh and still renders an unchanged chart once', ['kustomize', 'helm'], () => {
  let dir: string;
  let count: string;
  const saved = process.env.PLUMB_HELM;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-tui-render-'));
    cpSync(fixture('render-shop'), dir, { recursive: true });
    writeFileSync(join(dir, 'plumb.yaml'), `${readFileSync(join(dir, 'plumb.yaml'), 'utf8')}targets:\n  recorded: {provider: snapshot, path: snapshot.yaml}\n`);
    writeFileSync(join(dir, 'snapshot.yaml'), 'apiVersion: plumb.io/v1\nkind: Snapshot\nmetadata: {name: recorded}\nobjects: []\n');
    // a helm that counts its `template` runs, then runs the real one
    count = join(dir, 'helm-template-runs');
    const wrapper = join(dir, 'helm');
    writeFileSync(wrapper, `#!/bin/sh\n[ "$1" = template ] && echo run >> ${count}\nexec ${toolPath('helm')} "$@"\n`);
    chmodSync(wrapper, 0o755);
    process.env.PLUMB_HELM = wrapper; // workers take a copy of the environment when they start
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PLUMB_HELM;
    else process.env.PLUMB_HELM = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the render cache from one worker to the next', async () => {
    const runs = () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length;
    const first = await planInWorker({ repo: dir });
    expect(first.plan?.summary.create).toBe(9);
    expect(runs()).toBe(1);
    expect(first.renderCache?.length).toBe(3);
    const second = await planInWorker({ repo: dir, renderCache: first.renderCache });
    expect(second.plan?.summary.create).toBe(9);
    expect(runs()).toBe(1); // not rendered again
    const cold = await planInWorker({ repo: dir });
    expect(cold.plan?.summary.create).toBe(9);
    expect(runs()).toBe(2); // a worker without the cache renders again
  }, 180_000);
});
