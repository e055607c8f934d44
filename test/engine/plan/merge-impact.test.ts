import { describe, expect, it } from 'vitest';
import { emptyImpact, mergeImpacts } from '../../../engine/plan/merge-impact.js';
import type { ImpactSummary } from '../../../engine/plan/types.js';

describe('mergeImpacts', () => {
  const change: ImpactSummary = {
    sources: ['database:s/db'],
    event: 'change',
    affected: [
      { id: 'application:s/a', state: 'at-risk', depth: 1, path: ['database:s/db', 'application:s/a'], wouldBe: 'down' },
      { id: 'businessservice:s/shop', state: 'at-risk', depth: 2, path: ['database:s/db', 'application:s/a', 'businessservice:s/shop'] },
    ],
    businessServices: [{ id: 'businessservice:s/shop', criticality: 'critical', state: 'at-risk' }],
    risk: { score: 60, level: 'high' },
  };
  const del: ImpactSummary = {
    sources: ['host:s/h'],
    event: 'delete',
    affected: [{ id: 'application:s/a', state: 'down', depth: 1, path: ['host:s/h', 'application:s/a'] }],
    businessServices: [],
    risk: { score: 40, level: 'medium' },
  };

  it('keeps each ci at its worst state and the riskiest part', () => {
    expect(mergeImpacts([change, del])).toEqual({
      sources: ['database:s/db', 'host:s/h'],
      event: 'delete',
      affected: [
        { id: 'application:s/a', state: 'down', depth: 1, path: ['host:s/h', 'application:s/a'] },
        { id: 'businessservice:s/shop', state: 'at-risk', depth: 2, path: ['database:s/db', 'application:s/a', 'businessservice:s/shop'] },
      ],
      businessServices: [{ id: 'businessservice:s/shop', criticality: 'critical', state: 'at-risk' }],
      risk: { score: 60, level: 'high' },
    });
  });

  it('is the part itself when there is one, and empty when there is none', () => {
    expect(mergeImpacts([change])).toBe(change);
    expect(mergeImpacts([])).toEqual(emptyImpact());
  });
});
