import type { Colors } from 'picocolors/types.js';
import type { CorrelatedIncident } from '../incidents/types.js';

/**
 * `plumb incidents` for a person: one block per incident, open ones first
 * (oldest first), then those resolved recently — the cause, the symptoms
 * with the path that explains each, the business services hit, the likely
 * change and the command that undoes it.
 *
 * @example
 *   OPEN  host:dc1/web-01 is down (inferred)  major · since 2026-01-05T09:00:00.000Z · #2 · 0f3a9c1b2d4e
 *     business services: businessservice:shop/webshop (critical, down)
 *     symptoms:
 *       endpoint:shop/api  connection refused  ← hostedOn host:dc1/web-01
 *     likely change: run 20260105T085500Z-1a2b by ops at 2026-01-05T08:55:00.000Z (update configmap:shop/app)
 *     to undo: plumb restore 20260105T085500Z-1a2b-w1 configmap:shop/app
 */
export function renderIncidentsText(incidents: readonly CorrelatedIncident[], options: { colors: Colors }): string {
  const c = options.colors;
  if (incidents.length === 0) return 'no incidents open or resolved recently\n';
  const out: string[] = [];
  for (const i of incidents) {
    const open = i.status === 'open';
    const causes = i.cause.map((x) => x.id).join(' + ');
    const own = i.cause[0]?.conditions[0];
    const what = i.failure === 'down' ? `${i.cause.length > 1 ? 'are' : 'is'} down (${own ? own.detail : 'inferred'})` : `${i.failure}: ${own?.detail ?? ''}`;
    const head = open ? c.red(c.bold('OPEN    ')) : c.green('RESOLVED');
    const when = open ? `since ${i.firstSeen}` : `${i.firstSeen} → ${i.resolvedAt}${i.resolution && i.resolution !== 'recovered' ? ` (${i.resolution})` : ''}`;
    const flaps = i.reopened ? ` · reopened ${i.reopened}×` : '';
    out.push(`${head} ${c.bold(`${causes} ${what}`)}  ${i.severity} · ${when} · #${i.revision} · ${i.dedupeKey.slice(0, 12)}${flaps}`);
    if (i.businessServices.length) out.push(`  business services: ${i.businessServices.map((s) => `${s.id} (${s.criticality}, ${s.state})`).join(', ')}`);
    else out.push('  business services: none hit');
    out.push(`  risk: ${i.risk.level} (${i.risk.score})`);
    if (i.symptoms.length) {
      out.push('  symptoms:');
      for (const s of i.symptoms) {
        // read from the symptom back to the cause: `← hostedOn host:dc1/web-01`
        const steps: string[] = [];
        for (let k = s.path.length - 1; k >= 1; k--) steps.push(`← ${s.path[k].via} ${s.path[k - 1].ci}`);
        const path = steps.length ? `  ${c.dim(steps.join(' '))}` : '';
        out.push(`    ${s.ci.id}  ${s.conditions.map((x) => x.detail).join('; ')}${path}`);
      }
    }
    if (i.related.length) out.push(`  related warnings: ${i.related.map((r) => `${r.ci} ${r.kind} (${r.detail})`).join('; ')}`);
    if (i.alternatives.length && open) out.push(`  other candidates: ${i.alternatives.map((a) => a.cause.join(' + ')).join(', ')}`);
    if (i.change) {
      out.push(
        `  likely change: run ${i.change.run} by ${i.change.user} at ${i.change.time} (${i.change.changes.map((x) => `${x.action} ${x.id}`).join(', ')})`,
      );
      if (i.change.restore && open) out.push(`  to undo: ${c.bold(i.change.restore)}`);
    }
  }
  return out.join('\n') + '\n';
}
