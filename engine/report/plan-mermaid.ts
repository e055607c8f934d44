import type { ImpactSummary } from '../plan/types.js';

/**
 * A Mermaid flowchart of the affected subgraph, drawn from the explaining paths
 * the simulation returns (each affected CI's path gives the edges that reached
 * it), so no graph is needed here. At most `maxNodes` nodes: the sources, then
 * the affected CIs worst state first; paths through a dropped node are cut.
 * Node keys are `n0`, `n1`… because identities contain `:` and `/`.
 */
export function impactMermaid(impact: ImpactSummary, maxNodes = 30): { text: string; omitted: number } {
  const keep = new Map<string, string>();
  const add = (id: string) => {
    if (!keep.has(id) && keep.size < maxNodes) keep.set(id, `n${keep.size}`);
  };
  impact.sources.forEach(add);
  impact.affected.forEach((a) => add(a.id));
  const all = new Set([...impact.sources, ...impact.affected.map((a) => a.id)]);
  const state = new Map(impact.affected.map((a) => [a.id, a.wouldBe ?? a.state]));
  const lines = ['flowchart LR'];
  for (const [id, key] of keep) {
    const cls = impact.sources.includes(id) ? 'source' : (state.get(id) ?? 'operational').replace('-', '');
    lines.push(`  ${key}["${id.replaceAll('"', "'")}"]:::${cls}`);
  }
  const edges = new Set<string>();
  for (const a of impact.affected) {
    for (let i = 1; i < a.path.length; i++) {
      const from = keep.get(a.path[i - 1]);
      const to = keep.get(a.path[i]);
      if (from && to && from !== to) edges.add(`  ${from} --> ${to}`);
    }
  }
  lines.push(...[...edges].sort());
  lines.push(
    '  classDef source fill:#cfe2ff,stroke:#0d6efd',
    '  classDef down fill:#f8d7da,stroke:#dc3545',
    '  classDef degraded fill:#fff3cd,stroke:#fd7e14',
    '  classDef atrisk fill:#fff8e1,stroke:#ffc107',
    '  classDef operational fill:#d1e7dd,stroke:#198754',
  );
  return { text: lines.join('\n'), omitted: all.size - keep.size };
}
