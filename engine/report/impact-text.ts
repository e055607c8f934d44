import type { Colors } from 'picocolors/types.js';
import type { WhyNode } from '../impact/explain.js';
import type { ImpactState } from '../model/relations.js';
import type { ImpactSummary } from '../plan/types.js';

export interface ImpactTextOptions {
  /** picocolors' `createColors(enabled)`. */
  readonly colors: Colors;
  /** At most this many CIs in the "why" tree; the rest are counted. Default 1000. */
  readonly maxTreeLines?: number;
}

/**
 * A simulation for a person at a terminal, most important first: the risk and
 * the counts, the business services hit, then the "why" tree under each source
 * (worst state first, each line naming the relation that carried the impact).
 * States are coloured: down red, degraded yellow, at-risk magenta.
 *
 * @example
 *   impact of down on host:x/h1
 *   risk: high (50/100) · 8 CIs affected: 4 down, 3 degraded, 1 at-risk
 *   business services:
 *     down      businessservice:x/shop (high)
 *   why:
 *   host:x/h1 down (source)
 *   ├─ database:x/db down · runsOn
 *   │  └─ app:x/api down · dependsOn
 */
export function renderImpactText(summary: ImpactSummary, why: readonly WhyNode[], options: ImpactTextOptions): string {
  const c = options.colors;
  const paint = statePainter(c);
  const change = summary.event === 'change';
  const out: string[] = [];
  out.push(c.bold(`impact of ${summary.event} on ${summary.sources.join(', ')}`));
  out.push(`risk: ${riskText(summary.risk, c)} · ${countsText(summary, paint)}`);
  if (summary.businessServices.length > 0) {
    out.push(c.bold('business services:'));
    const wouldBe = change ? wouldBeOfServices(summary) : undefined;
    for (const s of summary.businessServices) {
      const state = paint(s.state, s.state.padEnd(9));
      const extra = wouldBe?.get(s.id) ? ` ${c.dim(`would be ${wouldBe.get(s.id)}`)}` : '';
      out.push(`  ${state} ${s.id} ${c.dim(`(${s.criticality})`)}${extra}`);
    }
  } else {
    out.push(c.dim('business services: none hit'));
  }
  if (summary.affected.length === 0) {
    out.push(c.dim('nothing else is affected'));
    return out.join('\n');
  }
  out.push(c.bold('why:'));
  const limit = options.maxTreeLines ?? 1000;
  let shown = 0;
  for (const root of why) {
    out.push(`${root.id} ${paint(root.state, root.state)} ${c.dim('(source)')}`);
    // Depth-first without recursion: chains may be thousands deep.
    const stack: Array<{ node: WhyNode; prefix: string; last: boolean }> = [];
    const pushChildren = (node: WhyNode, prefix: string): void => {
      for (let i = node.children.length - 1; i >= 0; i--) {
        stack.push({ node: node.children[i], prefix, last: i === node.children.length - 1 });
      }
    };
    pushChildren(root, '');
    while (stack.length > 0 && shown < limit) {
      const { node, prefix, last } = stack.pop()!;
      out.push(`${c.dim(prefix + (last ? '└─ ' : '├─ '))}${lineOf(node, paint, c)}`);
      shown++;
      pushChildren(node, prefix + (last ? '   ' : '│  '));
    }
  }
  if (shown < summary.affected.length) {
    out.push(c.dim(`… ${summary.affected.length - shown} more affected CIs not shown (use -o json for all of them)`));
  }
  return out.join('\n');
}

type Paint = (state: ImpactState, text: string) => string;

function statePainter(c: Colors): Paint {
  const by: Record<ImpactState, (s: string) => string> = { down: c.red, degraded: c.yellow, 'at-risk': c.magenta, operational: c.green };
  return (state, text) => by[state](text);
}

function lineOf(node: WhyNode, paint: Paint, c: Colors): string {
  const wouldBe = node.wouldBe ? ` ${c.dim('→ would be')} ${paint(node.wouldBe, node.wouldBe)}` : '';
  const via = node.via ? ` ${c.dim(`· ${node.via}`)}` : '';
  return `${node.id} ${paint(node.state, node.state)}${wouldBe}${via}`;
}

function riskText(risk: ImpactSummary['risk'], c: Colors): string {
  const text = `${risk.level} (${risk.score}/100)`;
  return risk.level === 'critical' ? c.bold(c.red(text)) : risk.level === 'high' ? c.red(text) : risk.level === 'medium' ? c.yellow(text) : c.green(text);
}

function countsText(summary: ImpactSummary, paint: Paint): string {
  const n = summary.affected.length;
  const counts = new Map<ImpactState, number>();
  for (const a of summary.affected) {
    const s = a.wouldBe ?? a.state;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const parts = (['down', 'degraded', 'at-risk'] as const).filter((s) => counts.has(s)).map((s) => paint(s, `${counts.get(s)} ${s}`));
  const noun = n === 1 ? 'CI' : 'CIs';
  if (n === 0) return `no other ${noun} affected`;
  return summary.event === 'change' ? `${n} ${noun} at risk; if the change fails: ${parts.join(', ')}` : `${n} ${noun} affected: ${parts.join(', ')}`;
}

/** Business services carry no would-be state in the summary; their affected entry does. */
function wouldBeOfServices(summary: ImpactSummary): Map<string, ImpactState> {
  const ids = new Set(summary.businessServices.map((s) => s.id));
  const map = new Map<string, ImpactState>();
  for (const a of summary.affected) if (ids.has(a.id) && a.wouldBe) map.set(a.id, a.wouldBe);
  for (const s of summary.sources) if (ids.has(s)) map.set(s, 'down');
  return map;
}
