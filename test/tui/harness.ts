import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { expect } from 'vitest';
import { createFakeProvider, type FakeFaults, type FakeProvider } from '../../engine/providers/fake/fake-provider.js';
import { createSnapshotProvider } from '../../engine/providers/snapshot/snapshot-provider.js';
import { createEngineSession, type TuiSession } from '../../tui/engine-session.js';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, '../fixtures');
/** The planning clock of every TUI test: a Wednesday noon, inside change windows. */
export const NOW = new Date('2026-11-25T12:00:00Z');

/** A private copy of a fixture repository (apply writes `.plumb/` into it). */
export async function copyFixture(name: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `plumb-${name}-`));
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * An engine session over a fixture: planning as `plumb plan` does (the
 * snapshot target), apply / restore against the fake provider seeded with
 * exactly what the snapshot observes — so the plan's fingerprints hold and
 * faults can be injected.
 */
export async function fakeSession(dir: string, target: string, faults: FakeFaults = {}): Promise<{ session: TuiSession; fake: FakeProvider }> {
  const snapshot = createSnapshotProvider({ path: join(dir, 'observed/snapshot.yaml'), file: 'observed/snapshot.yaml' });
  const { observed } = await snapshot.discover({ desired: [] }, new AbortController().signal);
  const fake = createFakeProvider({ name: 'snapshot', observed, faults });
  const session = createEngineSession({
    repo: dir,
    now: () => NOW,
    providers: () => new Map([[target, fake]]),
    apply: { concurrency: 1, healthTimeoutMs: 5_000 },
  });
  return { session, fake };
}

/** base64 of the observed Secret's value: neither form may ever reach the screen. */
export const OBSERVED_SECRET = Buffer.from('hunter2-observed').toString('base64');

/**
 * tui-small plus what a browser must also show: a Kubernetes Secret in Git
 * and on the target (unchanged, its data redacted on both sides) and an
 * object on the target that nobody declared (unmanaged).
 */
export async function browseFixture(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const repo = await copyFixture('tui-small');
  const inventory = join(repo.dir, 'inventory/shop.yaml');
  await writeFile(
    inventory,
    `${await readFile(inventory, 'utf8')}---
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  namespace: shop
type: Opaque
data:
  password: ${OBSERVED_SECRET}
`,
  );
  const snapshot = join(repo.dir, 'observed/snapshot.yaml');
  await writeFile(
    snapshot,
    `${await readFile(snapshot, 'utf8')}  - apiVersion: v1
    kind: Secret
    metadata:
      name: db-credentials
      namespace: shop
    type: Opaque
    data:
      password: ${OBSERVED_SECRET}
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: someone-elses-settings
      namespace: shop
    data:
      color: blue
`,
  );
  return repo;
}

interface Rendered {
  lastFrame(): string | undefined;
}

/** The last frame as a person reads it: no escape codes, backup ids and wall-clock times masked, no trailing blanks. */
export function screen(app: Rendered): string {
  return stripVTControlCharacters(app.lastFrame() ?? '')
    .replace(/\d{8}T\d{9}Z-[0-9a-f]{6}/g, '<backup-id>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/**
 * Polls the frame until it contains `text` (bounded: fails after `timeoutMs`
 * with the last frame); or, given only a condition, until it holds.
 */
export async function waitFor(app: Rendered | (() => boolean), text?: string | ((frame: string) => boolean), timeoutMs = 10_000): Promise<string> {
  if (typeof app === 'function') {
    const until = Date.now() + timeoutMs;
    while (!app()) {
      if (Date.now() > until) throw new Error('timed out waiting for a condition');
      await new Promise((r) => setTimeout(r, 10));
    }
    return '';
  }
  const ok = typeof text === 'string' ? (f: string) => f.includes(text) : text!;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const frame = screen(app);
    if (ok(frame)) return frame;
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof text === 'string' ? JSON.stringify(text) : 'a frame'}; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets Ink process a key and React settle (input is handled on the next ticks). */
export async function press(app: { stdin: { write(s: string): void } } & Rendered, key: string): Promise<void> {
  app.stdin.write(key);
  await new Promise((r) => setTimeout(r, 30));
}

export const KEY = { enter: '\r', escape: '\u001B', down: '\u001B[B', up: '\u001B[A', tab: '\t', space: ' ', backspace: '\u007F' } as const;

/**
 * Compares a frame with test/tui/__golden__/<name>.txt; UPDATE_GOLDEN=1
 * rewrites the file instead (review the diff before committing it).
 */
export async function expectGolden(name: string, frame: string): Promise<void> {
  const file = join(here, '__golden__', `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1') {
    await writeFile(file, frame + '\n');
    return;
  }
  const want = await readFile(file, 'utf8').catch(() => undefined);
  if (want === undefined) throw new Error(`no golden frame ${file}: run with UPDATE_GOLDEN=1 and review it`);
  expect(frame + '\n').toBe(want);
}
