import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'plumb-tool-version-'));
const helm = join(dir, 'helm');
const asked = join(dir, 'asked');
const saved = { PLUMB_CACHE: process.env.PLUMB_CACHE, PLUMB_CACHE_DIR: process.env.PLUMB_CACHE_DIR };

/** A stand-in helm that counts how often it is asked its version. */
function writeHelm(version: string, mtime: Date): void {
  writeFileSync(helm, `#!/bin/sh\necho x >> ${asked}\necho ${version}\n`);
  chmodSync(helm, 0o755);
  utimesSync(helm, mtime, mtime);
}
const timesAsked = () => readFileSync(asked, 'utf8').split('\n').filter(Boolean).length;

/** findTool as a new process sees it: fresh modules (no in-process memo), the same content cache directory. */
async function freshFind() {
  vi.resetModules();
  const { findTool } = await import('../../../engine/render/tools.js');
  return findTool('helm', { ...process.env, PLUMB_HELM: helm });
}

beforeAll(() => {
  process.env.PLUMB_CACHE = 'on';
  process.env.PLUMB_CACHE_DIR = join(dir, 'cache');
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("a render tool's version is kept between runs", () => {
  it('asks the binary once; later runs read it from the content cache until the binary changes', async () => {
    writeHelm('v3.22.0', new Date('2026-01-01T00:00:00Z'));
    expect((await freshFind())?.version).toBe('v3.22.0');
    expect(timesAsked()).toBe(1);
    expect((await freshFind())?.version).toBe('v3.22.0');
    expect(timesAsked()).toBe(1);
    // another binary at the same path (an upgrade): asked again, the new version reported
    writeHelm('v3.23.1', new Date('2026-02-01T00:00:00Z'));
    expect((await freshFind())?.version).toBe('v3.23.1');
    expect(timesAsked()).toBe(2);
  });

  it('with PLUMB_CACHE=off every run asks', async () => {
    process.env.PLUMB_CACHE = 'off';
    const before = timesAsked();
    await freshFind();
    await freshFind();
    expect(timesAsked()).toBe(before + 2);
    process.env.PLUMB_CACHE = 'on';
  });
});
