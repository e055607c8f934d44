import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findInterrupted } from '../../../engine/audit/find-interrupted.js';
import { createJsonlAuditLog } from '../../../engine/audit/jsonl-audit-log.js';
import type { AuditRecord } from '../../../engine/audit/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const who = { user: 'ops', host: 'h1', time: '2026-11-25T18:00:00.000Z' };
const started = (run: string, pid: number, acknowledges?: string[]): AuditRecord => ({
  ...who,
  run,
  pid,
  event: 'apply.started',
  revision: 'abc',
  planHash: 'p',
  targets: ['t'],
  ...(acknowledges ? { acknowledges } : {}),
});
const finished = (run: string): AuditRecord => ({
  ...who,
  run,
  pid: 1,
  event: 'apply.finished',
  outcome: 'succeeded',
  changes: [],
  backups: [],
  rollbacks: [],
});

describe('the audit log', () => {
  it('appends records as JSON lines and reads them back, skipping a torn last line', async () => {
    const file = join(dir, '.plumb', 'audit.jsonl');
    const log = createJsonlAuditLog(file);
    await log.append(started('r1', 10));
    await log.append(finished('r1'));
    await appendFile(file, '{"run":"r2","ev');
    expect(await log.read()).toEqual([started('r1', 10), finished('r1')]);
  });

  it('a run that started and never finished is interrupted until a later run acknowledges it', () => {
    const dead = () => false;
    expect(findInterrupted([started('r1', 10), finished('r1'), started('r2', 11)], 'h1', dead).map((r) => r.run)).toEqual(['r2']);
    expect(findInterrupted([started('r2', 11), started('r3', 12, ['r2']), finished('r3')], 'h1', dead)).toEqual([]);
  });

  it('a run still going on this host is not interrupted', () => {
    expect(findInterrupted([started('r1', 10)], 'h1', (pid) => pid === 10)).toEqual([]);
  });
});
