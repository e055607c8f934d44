import type { Colors } from 'picocolors/types.js';
import type { Explanation, Hypothesis, RootCauseAnalysis } from '../correlate/root-cause.js';
import type { ImpactSummary } from '../plan/types.js';

export interface WhyTextOptions {
  readonly colors: Colors;
  /** Business services the best cause hits (its `down` simulation). */
  readonly businessServices?: ImpactSummary['businessServices'];
}

/**
 * `plumb why` for a person: the suspected root cause, each failing CI with the
 * path that explains it, the business services hit, then the ranked
 * alternatives with what speaks against each.
 *
 * @example
 *   4 failing CIs; suspected root cause: host:dc1/web-01 (explains 4/4, score 1.004)
 *   explained:
 *     endpoint:shop/api      host:dc1/web-01 ← hostedOn endpoint:shop/api
 *   business services hit:
 *     down  businessservice:shop/webshop (critical)
 *   alternatives:
 *     2. endpoint:shop/api   explains 1/4, score 3.000
 */
export function renderWhyText(a: RootCauseAnalysis, options: WhyTextOptions): string {
  const c = options.colors;
  const out: string[] = [];
  const total = a.failing.length;
  const cause = a.best.cause.join(' + ') || '(none)';
  out.push(
    c.bold(
      `${total} failing CI${total === 1 ? '' : 's'}; suspected root cause: ${c.red(cause)} (explains ${a.best.explains}/${total}, score ${a.best.score.toFixed(3)})`,
    ),
  );
  if (a.best.contradicted.length) out.push(`  ${c.yellow('against it')}: would also put down ${a.best.contradicted.join(', ')}, seen healthy`);
  out.push(c.bold('explained:'));
  const width = Math.min(48, Math.max(...a.explanations.map((e) => e.ci.length)));
  for (const e of a.explanations) out.push(`  ${e.ci.padEnd(width)}  ${pathText(e, c)}`);
  if (options.businessServices?.length) {
    out.push(c.bold('business services hit:'));
    for (const s of options.businessServices) out.push(`  ${(s.state === 'down' ? c.red : c.yellow)(s.state.padEnd(9))} ${s.id} (${s.criticality})`);
  }
  if (a.alternatives.length) {
    out.push(c.bold('alternatives:'));
    a.alternatives.forEach((h, i) => out.push(`  ${i + 2}. ${alternativeText(h, total)}`));
  }
  if (a.unknown.length) out.push(`${c.yellow('not in the inventory')}: ${a.unknown.join(', ')}`);
  return out.join('\n') + '\n';
}

function pathText(e: Explanation, c: Colors): string {
  if (e.path.length === 1) return c.dim(e.path[0].ci === e.ci ? '(a cause)' : '');
  return e.path.map((s, i) => (i === 0 ? s.ci : `${c.dim(`← ${s.via}`)} ${s.ci}`)).join(' ');
}

function alternativeText(h: Hypothesis, total: number): string {
  const against = [
    ...(h.unexplained.length ? [`leaves ${h.unexplained.length} unexplained`] : []),
    ...(h.contradicted.length ? [`would put down ${h.contradicted.length} seen healthy`] : []),
  ];
  return `${h.cause.join(' + ')}  explains ${h.explains}/${total}, score ${h.score.toFixed(3)}${against.length ? ` (${against.join('; ')})` : ''}`;
}
