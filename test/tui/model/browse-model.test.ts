import { describe, expect, it } from 'vitest';
import type { ChangeOutcome } from '../../../engine/apply/types.js';
import type { Plan, PlannedChange } from '../../../engine/plan/types.js';
import { restoreChangeLine } from '../../../tui/model/backup-lines.js';
import { ciRows, type Sort } from '../../../tui/model/ci-rows.js';
import { completeCommand, parseCommand } from '../../../tui/model/commands.js';
import { fit as fitRight, fitLeft } from '../../../tui/model/fit.js';
import { indexPolicies } from '../../../tui/model/policy-state.js';
import { matches, parseQuery, splitId, type Matchable } from '../../../tui/model/query.js';
import { yamlPanes } from '../../../tui/model/yaml-lines.js';

const change = (id: string, action: PlannedChange['action'], score?: number): PlannedChange =>
  ({
    id,
    action,
    wave: 1,
    patch: [],
    diff: '',
    provider: 'fake',
    target: 't',
    paths: [],
    ...(score === undefined
      ? {}
      : { impact: { event: 'change', sources: [id], affected: [], businessServices: [], risk: { score, level: score > 50 ? 'high' : 'low', factors: [] } } }),
  }) as PlannedChange;

const plan = {
  changes: [change('host:s/b', 'update', 60), change('configmap:s/a', 'create', 10), change('db:t/x', 'delete', 30), change('app:s/n', 'noop')],
  unmanaged: [{ id: 'configmap:s/zz', target: 't' }],
  policy: { results: [], denied: false },
} as unknown as Plan;

const row = (id: string, state: Matchable['state'], extra = ''): Matchable => ({ ...splitId(id), id, state, extra });

describe('the / query', () => {
  it('matches kind, namespace and state columns, alternatives, negation and free text', () => {
    const ids = (q: string) =>
      [
        row('host:s/b', 'update'),
        row('configmap:s/a', 'create'),
        row('db:t/x', 'delete', 'deny'),
        row('app:s/n', 'unchanged'),
        row('configmap:s/zz', 'unmanaged'),
      ]
        .filter((r) => matches(parseQuery(q), r))
        .map((r) => r.id);
    expect(ids('kind:configmap')).toEqual(['configmap:s/a', 'configmap:s/zz']);
    expect(ids('ns:t')).toEqual(['db:t/x']);
    expect(ids('state:changed')).toEqual(['host:s/b', 'configmap:s/a', 'db:t/x']);
    expect(ids('state:noop,unmanaged')).toEqual(['app:s/n', 'configmap:s/zz']);
    expect(ids('!state:unchanged !state:unmanaged ns:s')).toEqual(['host:s/b', 'configmap:s/a']);
    expect(ids('DENY')).toEqual(['db:t/x']);
    // an identity typed whole is free text, not a column named "host"
    expect(ids('host:s/b')).toEqual(['host:s/b']);
    expect(ids('')).toHaveLength(5);
    const labelled = (q: string) =>
      [
        { ...row('app:s/web', 'update'), labels: { app: 'web', tier: 'Frontend' } },
        { ...row('app:s/api', 'update'), labels: { app: 'api' } },
        row('app:s/bare', 'update'),
      ]
        .filter((r) => matches(parseQuery(q), r))
        .map((r) => r.id);
    expect(labelled('label:app=web')).toEqual(['app:s/web']);
    expect(labelled('-l app=web,tier=frontend')).toEqual(['app:s/web']); // comma ANDs, as a label selector does
    expect(labelled('-l app=api,tier=frontend')).toEqual([]);
    expect(labelled('label:tier')).toEqual(['app:s/web']);
    expect(labelled('!-l app')).toEqual(['app:s/bare']);
  });

  it('splits identities, cluster-scoped ones included', () => {
    expect(splitId('database:shop/orders-db')).toEqual({ kind: 'database', namespace: 'shop', name: 'orders-db' });
    expect(splitId('namespace:_cluster/shop')).toEqual({ kind: 'namespace', namespace: '_cluster', name: 'shop' });
  });
});

describe('the CI browser rows', () => {
  const rows = (filter: string, sort: Sort) => ciRows(plan, indexPolicies(plan), undefined, filter, sort).rows.map((r) => `${r.state} ${r.id}`);
  it('lists changes, unchanged CIs and unmanaged objects, sorted by each key', () => {
    expect(rows('', { key: 'id', reverse: false })).toEqual([
      'unchanged app:s/n',
      'create configmap:s/a',
      'unmanaged configmap:s/zz',
      'delete db:t/x',
      'update host:s/b',
    ]);
    expect(rows('', { key: 'state', reverse: false })).toEqual([
      'delete db:t/x',
      'update host:s/b',
      'create configmap:s/a',
      'unmanaged configmap:s/zz',
      'unchanged app:s/n',
    ]);
    expect(rows('', { key: 'impact', reverse: false })).toEqual([
      'update host:s/b',
      'delete db:t/x',
      'create configmap:s/a',
      'unchanged app:s/n',
      'unmanaged configmap:s/zz',
    ]);
    expect(rows('', { key: 'kind', reverse: true })[0]).toBe('update host:s/b');
    const all = ciRows(plan, indexPolicies(plan), undefined, 'kind:configmap', { key: 'id', reverse: false });
    expect({ shown: all.rows.length, total: all.total, counts: all.counts }).toEqual({
      shown: 2,
      total: 5,
      counts: { create: 1, update: 1, replace: 0, delete: 1, unchanged: 1, unmanaged: 1 },
    });
  });
});

describe('the : command bar', () => {
  it('knows the commands and their aliases, with a filter for :ci', () => {
    expect(parseCommand('ci')).toEqual({ ok: true, target: 'ci' });
    expect(parseCommand(' CIS  kind:database ns:shop ')).toEqual({ ok: true, target: 'ci', filter: 'kind:database ns:shop' });
    expect(parseCommand('bk')).toEqual({ ok: true, target: 'backups' });
    expect(parseCommand('inc')).toEqual({ ok: true, target: 'incidents' });
    expect(parseCommand('q!')).toEqual({ ok: true, target: 'quit' });
  });

  it('suggests the nearest command for a typo, and lists them when nothing is near', () => {
    expect(parseCommand('bakcups')).toEqual({ ok: false, message: 'unknown command :bakcups — did you mean :backups?' });
    expect(parseCommand('plna')).toEqual({ ok: false, message: 'unknown command :plna — did you mean :plan?' });
    expect(parseCommand('xyzzy')).toEqual({ ok: false, message: 'unknown command :xyzzy (commands: :plan :ci :backups :incidents :help :quit)' });
    expect(parseCommand('')).toMatchObject({ ok: false });
  });

  it('completes a unique prefix', () => {
    expect(completeCommand('b')).toBe('backups');
    expect(completeCommand('in')).toBe('incidents');
    expect(completeCommand('p')).toBe('plan');
    expect(completeCommand('x')).toBeUndefined();
  });
});

describe('cutting identities', () => {
  it('keeps the end (the name) when cut from the left, padded to the width', () => {
    expect(fitLeft('businessservice:shop/checkout', 15)).toBe('…:shop/checkout');
    expect(fitLeft('host:s/a', 10)).toBe('host:s/a  ');
    expect(fitRight('businessservice:shop/checkout', 15)).toBe('businessservic…');
  });
});

describe('the YAML panes', () => {
  it('leaves managedFields out, as kubectl does, and marks lines only one side has', () => {
    const panes = yamlPanes(
      {
        id: 'configmap:s/a',
        kind: 'ConfigMap',
        namespace: 's',
        name: 'a',
        target: 't',
        desired: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'new' } },
        observed: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', managedFields: [{ manager: 'plumb' }] }, data: { k: 'old' } },
      },
      { file: 'inventory/a.yaml', line: 3 },
    );
    expect(panes.desired.title).toBe('desired (Git inventory/a.yaml:3)');
    expect(panes.observed.lines.map((l) => l.text).join('\n')).not.toContain('managedFields');
    expect(panes.desired.lines.filter((l) => l.tone === 'update').map((l) => l.text)).toEqual(['  k: new']);
    expect(panes.observed.lines.filter((l) => l.tone === 'update').map((l) => l.text)).toEqual(['  k: old']);
  });
});

describe('a restore, line by line', () => {
  it('says what was written, what a dry run would write, what already equals the backup, and what failed', () => {
    const c = (result: ChangeOutcome['result'], message?: string) =>
      ({ id: 'host:s/a', action: 'update', wave: 1, target: 't', result, ...(message ? { message } : {}) }) as ChangeOutcome;
    expect(restoreChangeLine(c('applied'))).toEqual(['  wave 1: restore host:s/a', undefined]);
    expect(restoreChangeLine(c('would-apply'))).toEqual(['  wave 1: restore host:s/a', undefined]);
    expect(restoreChangeLine(c('unchanged'))).toEqual(['  wave 1: host:s/a unchanged (already as backed up)', 'dim']);
    expect(restoreChangeLine(c('failed', 'refused'))).toEqual(['  wave 1: restore host:s/a — failed: refused', 'error']);
    expect(restoreChangeLine(c('not-attempted'))).toEqual(['  wave 1: restore host:s/a — not-attempted', 'warn']);
  });
});
