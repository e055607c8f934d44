import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../../../engine/load/load-repository.js';
import { recordSnapshot } from '../../../../engine/providers/snapshot/record-snapshot.js';
import { renderSnapshot } from '../../../../engine/providers/snapshot/write-snapshot.js';

const repoDir = resolve(import.meta.dirname, '../../../fixtures/providers-discover');
const now = new Date('2026-11-20T10:00:00Z');

describe('recordSnapshot (plumb discover)', () => {
  it('records a file target with schema secrets redacted', async () => {
    const repo = await loadRepository({ repo: repoDir });
    const { snapshot, diagnostics } = await recordSnapshot({ repo, target: 'files', now, signal: new AbortController().signal });
    expect(diagnostics).toEqual([]);
    const spec = (name: string) => snapshot!.objects.find((o) => (o.metadata as { name: string }).name === name)!.spec;
    expect(snapshot!.metadata).toEqual({ name: 'files', takenAt: '2026-11-20T10:00:00.000Z', target: 'files', provider: 'file', revision: 'worktree' });
    expect([spec('motd'), spec('token')]).toEqual([
      { path: 'motd', ensure: 'present', type: 'file', mode: expect.stringMatching(/^0[0-7]{3}$/), content: 'welcome\n' },
      { path: 'token', ensure: 'present', type: 'file', mode: expect.stringMatching(/^0[0-7]{3}$/), secretContent: '(sensitive)' },
    ]);
    expect(renderSnapshot(snapshot!, 'yaml')).not.toContain('tok-abcdef');
  });

  it('re-records a snapshot sorted by identity, Secret values redacted', async () => {
    const repo = await loadRepository({ repo: repoDir });
    const { snapshot } = await recordSnapshot({ repo, target: 'recorded', now, signal: new AbortController().signal });
    expect(snapshot!.objects).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'shop' }, data: { a: '1' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: '(sensitive)' } },
    ]);
  });
});
