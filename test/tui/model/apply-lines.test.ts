import { MultiDirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import type { CIGraph } from '../../../engine/graph/types.js';
import type { Plan, PlannedChange } from '../../../engine/plan/types.js';
import type { ApplyRun } from '../../../tui/hooks/use-apply.js';
import { applyLines } from '../../../tui/model/apply-lines.js';
import { selectForApply } from '../../../tui/model/apply-selection.js';

const impact = (score: number, level: 'low' | 'medium' | 'high' | 'critical', affected: number, services: [string, string][] = []) => ({
  event: 'change' as const,
  sources: [],
  affected: Array.from({ length: affected }, (_, i) => ({ id: `x:s/${i}`, state: 'at-risk' as const, depth: 1, path: [] })),
  businessServices: services.map(([id, state]) => ({ id, state: state as 'at-risk', criticality: 'critical' as const })),
  risk: { score, level, factors: [] },
});

const change = (id: string, action: PlannedChange['action'], wave: number, i?: ReturnType<typeof impact>): PlannedChange =>
  ({ id, action, wave, patch: [], diff: '', provider: 'kubernetes', target: 'prod', paths: [], ...(i ? { impact: i } : {}) }) as PlannedChange;

describe('the confirm dialog', () => {
  it('names a riskier dependency the selection pulls in — a ConfigMap change that would bring a cluster upgrade along — before anything runs', () => {
    // the ConfigMap is contained by the cluster (containment: the container is applied first)
    const graph: CIGraph = new MultiDirectedGraph();
    for (const id of ['cluster:_cluster/prod', 'configmap:shop/settings']) graph.addNode(id, { ci: { id } as never });
    graph.addEdge('cluster:_cluster/prod', 'configmap:shop/settings', { type: 'contains', inferred: false });
    const plan = {
      version: 1,
      revision: 'abc',
      createdAt: '2026-11-25T12:00:00.000Z',
      targets: ['prod'],
      summary: { create: 0, update: 2, delete: 0, noop: 0, unmanaged: 0 },
      fingerprints: {},
      changes: [
        change('cluster:_cluster/prod', 'update', 1, impact(85, 'critical', 40, [['businessservice:shop/checkout', 'down']])),
        change('configmap:shop/settings', 'update', 2, impact(5, 'low', 1)),
      ],
      unmanaged: [],
      impact: impact(85, 'critical', 40),
      policy: { results: [], denied: false },
      backups: ['cluster:_cluster/prod', 'configmap:shop/settings'],
      hash: 'h',
    } as unknown as Plan;
    const selection = selectForApply(plan, graph, new Set(['configmap:shop/settings']));
    expect(selection.pulledIn).toEqual(['cluster:_cluster/prod']);
    const run: ApplyRun = { phase: 'confirm', selection, status: new Map(), backups: [], health: [] };
    const lines = applyLines(run, 200);
    const text = lines.map((l) => l.text);
    expect(text.slice(0, 5)).toEqual([
      'apply 2 changes? (1 selected + 1 pulled in as dependencies)',
      'pulled in as dependencies (1), applied first:',
      '  update cluster:_cluster/prod — risk critical (85) · 40 affected · businessservice:shop/checkout down — needed by configmap:shop/settings',
      '! the dependencies carry more risk (critical) than the selection (low): check them before you confirm',
      '',
    ]);
    expect(lines[2].tone).toBe('critical');
    expect(lines[3]).toMatchObject({ tone: 'error', bold: true });
    expect(text.at(-1)).toBe('y/enter apply · n/esc cancel');
  });

  it('says nothing more when the selection pulls nothing in', () => {
    const plan = {
      changes: [change('configmap:shop/settings', 'update', 1, impact(5, 'low', 1))],
      backups: [],
      policy: { results: [], denied: false },
      summary: { create: 0, update: 1, delete: 0, noop: 0, unmanaged: 0 },
    } as unknown as Plan;
    const selection = selectForApply(plan, undefined, new Set(['configmap:shop/settings']));
    const text = applyLines({ phase: 'confirm', selection, status: new Map(), backups: [], health: [] }, 120).map((l) => l.text);
    expect(text[0]).toBe('apply 1 change?');
    expect(text.join('\n')).not.toContain('pulled in');
  });
});
