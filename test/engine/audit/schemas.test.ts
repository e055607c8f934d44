import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../engine/apply/apply-plan.js';
import { createJsonlAuditLog } from '../../../engine/audit/jsonl-audit-log.js';
import { createDirStore } from '../../../engine/backup/dir-store.js';
import { createFileLocker } from '../../../engine/lock/file-locker.js';
import { fakeWith, planFor } from '../apply/plan-for.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

async function validator(name: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(await readFile(new URL(`../../../schemas/${name}`, import.meta.url), 'utf8')));
}

describe('the schemas describe what apply writes', () => {
  it('audit records and backup manifests of a failed, rolled-back apply validate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plumb-schema-'));
    try {
      const fake = fakeWith({ 'host:shop/a': { v: 1 } });
      fake.faults = { failApplyIds: ['host:shop/b'] };
      const store = createDirStore(join(dir, 'backups'));
      const auditFile = join(dir, 'audit.jsonl');
      await applyPlan({
        plan: planFor('t', fake, [
          ['host:shop/a', 1, { v: 2 }],
          ['host:shop/b', 2, { v: 1 }],
        ]),
        providers: new Map([['t', fake]]),
        backupStore: store,
        lock: createFileLocker({ dir: join(dir, 'locks') }),
        audit: createJsonlAuditLog(auditFile),
        options: { rollbackOnFailure: true, rollbackAll: true, overridePolicy: 'unused' },
      });
      const audit = await validator('audit-record.schema.json');
      const records = (await readFile(auditFile, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records.map((r) => [r.event, audit(r) || audit.errors])).toEqual([
        ['apply.started', true],
        ['apply.finished', true],
      ]);
      const manifest = await validator('backup-manifest.schema.json');
      const manifests = await store.list();
      expect(manifests.map((m) => manifest(m) || manifest.errors)).toEqual([true, true]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
