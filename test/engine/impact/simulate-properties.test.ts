import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateImpact } from '../../../engine/impact/simulate.js';
import { STATE_RANK, type ImpactState } from '../../../engine/model/relations.js';
import { graphOf } from './graph-fixture.js';

const TYPES = ['dependsOn', 'runsOn', 'hostedOn', 'consumesApi', 'partOf', 'memberOf', 'contains', 'connectsTo', 'backedUpBy', 'alternativeTo', 'ownedBy'];
const node = (i: number): string => `ci:x/n${i}`;

/** Random small graphs — cycles of any type included: the walk must terminate on invalid input too. */
const graphsWithout = (...excluded: string[]) =>
  fc
    .record({
      size: fc.integer({ min: 1, max: 14 }),
      edges: fc.array(fc.tuple(fc.nat(13), fc.constantFrom(...TYPES.filter((t) => !excluded.includes(t))), fc.nat(13)), { maxLength: 40 }),
      minUp: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 14, maxLength: 14 }),
    })
    .map(({ size, edges, minUp }) => ({
      lines: edges.map(([a, t, b]) => `${node(a % size)} ${t} ${node(b % size)}`),
      cis: Object.fromEntries(Array.from({ length: size }, (_, i) => [node(i), { spec: { minUp: minUp[i] } }])),
      size,
    }));
const graphs = graphsWithout();
const events = fc.constantFrom('down' as const, 'delete' as const, 'change' as const);

describe('impact simulation, for any graph', () => {
  it('explains every affected CI by a real path of its depth, from a source, through edges of the graph', () => {
    fc.assert(
      fc.property(graphs, events, fc.nat(13), (g, event, s) => {
        const graph = graphOf(g.lines, g.cis);
        const source = node(s % g.size);
        const result = simulateImpact(graph, { sources: [source], event });
        for (const a of result.affected) {
          expect(a.id).not.toBe(source);
          expect(a.path.length).toBe(a.depth + 1);
          expect(a.path[0]).toBe(source);
          expect(a.path[a.path.length - 1]).toBe(a.id);
          for (let i = 1; i < a.path.length; i++) expect(graph.areNeighbors(a.path[i - 1], a.path[i])).toBe(true);
        }
        expect(new Set(result.affected.map((a) => a.id)).size).toBe(result.affected.length);
        expect(result.risk.score).toBeGreaterThanOrEqual(0);
        expect(result.risk.score).toBeLessThanOrEqual(100);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order the edges were added in', () => {
    fc.assert(
      fc.property(graphs, events, fc.nat(13), (g, event, s) => {
        const source = node(s % g.size);
        const forward = simulateImpact(graphOf(g.lines, g.cis), { sources: [source], event });
        const backward = simulateImpact(graphOf([...g.lines].reverse(), g.cis), { sources: [source], event });
        expect(backward).toEqual(forward);
      }),
      { numRuns: 300 },
    );
  });

  // Redundancy is the one deliberate exception: a member that is down and failed
  // over from hurts its dependents less than one merely degraded (simulate.ts).
  it('never makes a CI better off when more sources fail (without redundancy groups)', () => {
    fc.assert(
      fc.property(graphsWithout('alternativeTo'), fc.nat(13), fc.nat(13), (g, s, t) => {
        const graph = graphOf(g.lines, g.cis);
        const one = simulateImpact(graph, { sources: [node(s % g.size)], event: 'down' });
        const two = simulateImpact(graph, { sources: [node(s % g.size), node(t % g.size)], event: 'down' });
        const stateIn = (r: typeof one): Map<string, ImpactState> => {
          const m = new Map<string, ImpactState>(r.affected.map((a) => [a.id, a.state]));
          r.sources.forEach((x) => m.set(x, 'down'));
          return m;
        };
        const after = stateIn(two);
        for (const [id, state] of stateIn(one)) expect(STATE_RANK[after.get(id) ?? 'operational']).toBeLessThanOrEqual(STATE_RANK[state]);
        expect(two.risk.score).toBeGreaterThanOrEqual(one.risk.score);
      }),
      { numRuns: 300 },
    );
  });
  // simulate.ts reuses one set of per-CI arrays per graph, clearing only what a simulation touched
  it('answers a simulation the same after any other simulations on the same graph as on a graph of its own', () => {
    fc.assert(
      fc.property(graphs, fc.array(fc.tuple(events, fc.array(fc.nat(13), { minLength: 1, maxLength: 3 })), { minLength: 2, maxLength: 8 }), (g, runs) => {
        const shared = graphOf(g.lines, g.cis);
        for (const [event, picks] of runs) {
          const sources = picks.map((s) => node(s % g.size));
          expect(simulateImpact(shared, { sources, event })).toEqual(simulateImpact(graphOf(g.lines, g.cis), { sources, event }));
        }
      }),
      { numRuns: 300 },
    );
  });
  it('lists business services by state, would-be state, then identity (code unit order)', () => {
    // business services named so that code unit order differs from locale order ('B' < 'a', '-' < '_')
    const names = ['Shop', 'a-b', 'a_b', 'shop', 'Zeta', 'ab'];
    fc.assert(
      fc.property(graphs, events, fc.nat(13), (g, event, s) => {
        const services = names.map((n) => `businessservice:x/${n}`);
        const lines = [...g.lines, ...services.map((id, i) => `${id} ${TYPES[i % 4]} ${node(i % g.size)}`)];
        const cis = { ...g.cis, ...Object.fromEntries(services.map((id, i) => [id, { spec: { criticality: ['low', 'high', 'critical'][i % 3] } }])) };
        const result = simulateImpact(graphOf(lines, cis), { sources: [node(s % g.size)], event });
        const wouldBe = new Map(result.affected.map((a) => [a.id, a.wouldBe ?? a.state]));
        const expected = [...result.businessServices].sort(
          (a, b) =>
            STATE_RANK[a.state] - STATE_RANK[b.state] ||
            STATE_RANK[wouldBe.get(a.id)!] - STATE_RANK[wouldBe.get(b.id)!] ||
            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        );
        expect(result.businessServices.map((b) => b.id)).toEqual(expected.map((b) => b.id));
        for (const b of result.businessServices) expect(b.criticality).toBe(['low', 'high', 'critical'][services.indexOf(b.id) % 3]);
      }),
      { numRuns: 300 },
    );
  });
});
