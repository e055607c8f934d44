import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan, PlannedChange, PolicyResult } from '../plan/types.js';
import { diagnosticsMarkdownSection } from './diagnostics-output.js';
import { impactMermaid } from './plan-mermaid.js';
import { blocks } from '../policy/denied.js';
import { orderPolicyResults } from './plan-policy-order.js';
import { shortRev } from './plan-text.js';
import { inert, inertBlock } from './inert.js';
import { scrubText } from '../redact/scrubber.js';

/** GitHub refuses comments over 65,536 characters; keep a margin for the omission note. */
export const MARKDOWN_LIMIT = 65_000;

export interface PlanMarkdownOptions {
  /** Heading, e.g. `plumb plan` or `plumb review`. Default `plumb plan`. */
  readonly title?: string;
  /** Character budget. Default 65,000. */
  readonly limit?: number;
  /** Mermaid node cap. Default 30. */
  readonly maxDiagramNodes?: number;
  /** Warnings and infos reported beside the plan: a "Diagnostics" section after the verdict. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** Policy rows beyond this are counted, not listed: the blocking ones sort first, so they are always shown. */
const MAX_POLICY_ROWS = 200;
const SYMBOL = { create: '+', update: '~', replace: '±', delete: '-', noop: '=' } as const;
const ICON = { deny: '⛔', warn: '⚠️', audit: 'ℹ️' } as const;

/**
 * A pull-request comment: the verdict and a summary table; policy results
 * before everything else when something denies (the reviewer must see why the
 * change may not merge), otherwise after the impact; the impact with a Mermaid
 * diagram of the affected subgraph; each CI's diff folded in `<details>`.
 * Never longer than `limit`: sections are added whole while they fit, and what
 * did not fit is named in a closing note, never cut mid-block.
 */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  const denied = plan.policy.denied;
  const head = [
    `## ${options.title ?? 'plumb plan'} — \`${codeSpan(`${plan.base ? `${shortRev(plan.base)}..` : ''}${shortRev(plan.revision)}`)}\``,
    '',
    denied
      ? '> [!CAUTION]\n> **Denied by policy** — this change must not be applied as it is.'
      : plan.summary.create + plan.summary.update + (plan.summary.replace ?? 0) + plan.summary.delete === 0
        ? '> No changes.'
        : '> Policies passed.',
    '',
    ...policyChangeBlock(plan),
    summaryTable(plan),
  ].join('\n');
  const gateTitle = plan.headPolicy ? 'Policy results of the base (the gate)' : 'Policy results';
  const headSection = plan.headPolicy ? policySection(plan.headPolicy.results, 'Policy results of the head (shown, not the gate)') : '';
  const diagnostics = diagnosticsMarkdownSection(options.diagnostics ?? []);
  const sections = denied
    ? [policySection(plan.policy.results, gateTitle), headSection, diagnostics, impactSection(plan, options.maxDiagramNodes ?? 30)]
    : [diagnostics, impactSection(plan, options.maxDiagramNodes ?? 30), policySection(plan.policy.results, gateTitle), headSection];
  const blocksOut: string[] = [head];
  const omitted: string[] = [];
  let used = head.length;
  // Reserve room for the omission note so adding it can never break the limit.
  const budget = limit - 400;
  for (const section of sections.filter(Boolean)) {
    if (used + section.length + 2 <= budget) {
      blocksOut.push(section);
      used += section.length + 2;
    } else omitted.push(section.slice(0, section.indexOf('\n')).replace(/^#+ /, '').toLowerCase());
  }
  const changes = plan.changes.filter((c) => c.action !== 'noop');
  const changesHead = changes.length ? '### Changes' : '';
  let shown = 0;
  if (changesHead && used + changesHead.length + 2 <= budget) {
    blocksOut.push(changesHead);
    used += changesHead.length + 2;
    for (const change of changes) {
      const block = changeDetails(change);
      if (used + block.length + 1 > budget) break;
      blocksOut.push(block);
      used += block.length + 1;
      shown++;
    }
  }
  if (shown < changes.length) omitted.push(`${changes.length - shown} of ${changes.length} change diffs`);
  if (plan.drift) {
    const drift = `### Drift of the changed CIs\n\n${summaryTable(plan.drift)}`;
    if (used + drift.length + 2 <= budget) blocksOut.push(drift);
    else omitted.push('drift');
  }
  if (omitted.length) {
    blocksOut.push(
      `> [!NOTE]\n> Left out to stay under ${limit.toLocaleString('en-US')} characters: ${omitted.join('; ')}. Run \`plumb plan -o json\` (or \`review -o json\`) for everything.`,
    );
  }
  return blocksOut.join('\n\n') + '\n';
}

function summaryTable(plan: Plan): string {
  const s = plan.summary;
  const risk = plan.impact.sources.length ? `${plan.impact.risk.level} (${plan.impact.risk.score})` : '—';
  return [
    '| create | update | delete | unchanged | unmanaged | risk | policy |',
    '|---:|---:|---:|---:|---:|:--|:--|',
    `| ${s.create} | ${s.update} | ${s.delete} | ${s.noop} | ${s.unmanaged} | ${risk} | ${plan.policy.denied ? '⛔ denied' : '✅ allowed'} |`,
  ].join('\n');
}

/** A review's policy and exception changes, in the head block: never left out for length. */
function policyChangeBlock(plan: Plan): string[] {
  const changes = plan.policyChanges ?? [];
  if (changes.length === 0) return [];
  const shown = changes
    .slice(0, MAX_POLICY_ROWS)
    .map((p) => `> - **${p.change}** ${p.kind} \`${codeSpan(`${p.namespace ? `${p.namespace}/` : ''}${p.name}`)}\` (\`${codeSpan(`${p.file}:${p.line}`)}\`)`);
  return [
    `> [!WARNING]\n> This pull request changes ${changes.length} polic${changes.length === 1 ? 'y or exception' : 'ies or exceptions'}; the base's policies are the gate.`,
    ...shown,
    ...(changes.length > MAX_POLICY_ROWS ? [`> - …and ${changes.length - MAX_POLICY_ROWS} more (\`review -o json\`)`] : []),
    '',
  ];
}

function policySection(results: readonly PolicyResult[], title = 'Policy results'): string {
  if (results.length === 0) return `### ${title}\n\nAll policies passed.`;
  const ordered = orderPolicyResults(results);
  const rows = ordered.slice(0, MAX_POLICY_ROWS).map((r) => {
    const verdict =
      r.outcome === 'excepted'
        ? `excepted (${r.exception ?? 'exception'})`
        : `${ICON[r.action]} ${r.action}${r.outcome === 'error' ? ' (evaluation failed)' : ''}`;
    return `| ${verdict} | \`${tableCode(r.policy)}\` | ${r.ci ? `\`${tableCode(r.ci)}\`` : '(plan)'} | ${r.severity} | ${cell(r.message)} |`;
  });
  const denied = results.filter(blocks).length;
  return [
    `### ${title}${denied ? ` — ${denied} denied` : ''}`,
    '',
    '| result | policy | CI | severity | message |',
    '|:--|:--|:--|:--|:--|',
    ...rows,
    ...(ordered.length > MAX_POLICY_ROWS ? ['', `_${ordered.length - MAX_POLICY_ROWS} more results are not listed._`] : []),
  ].join('\n');
}

function impactSection(plan: Plan, maxNodes: number): string {
  const i = plan.impact;
  if (i.sources.length === 0) return '';
  const out = [`### Impact — risk ${i.risk.level} (${i.risk.score}/100), ${i.affected.length} CIs affected`, ''];
  if (i.businessServices.length) {
    out.push('| business service | criticality | state |', '|:--|:--|:--|');
    for (const s of i.businessServices) out.push(`| \`${tableCode(s.id)}\` | ${s.criticality} | ${s.state} |`);
    out.push('');
  }
  const diagram = impactMermaid(i, maxNodes);
  out.push('```mermaid', diagram.text, '```');
  if (diagram.omitted) out.push('', `_${diagram.omitted} more affected CIs are not drawn._`);
  return out.join('\n');
}

function changeDetails(change: PlannedChange): string {
  const where = change.file ? ` — ${change.file}${change.line ? `:${change.line}` : ''}` : '';
  const body = change.diff ? ['', '```diff', capDiff(inertBlock(change.diff).replaceAll('```', '` ` `').trimEnd()), '```', ''] : ['', '_no field diff_', ''];
  return [
    `<details><summary><code>${SYMBOL[change.action]} ${change.action}</code> <code>${escapeHtml(inert(change.id))}</code> (wave ${change.wave}, ${escapeHtml(inert(change.target))})${escapeHtml(inert(where))}</summary>`,
    ...body,
    '</details>',
  ].join('\n');
}

/** One huge diff (a create of a large ConfigMap) must not crowd out every other change: cut it at a line. */
const MAX_DIFF_CHARS = 8_000;

function capDiff(diff: string): string {
  if (diff.length <= MAX_DIFF_CHARS) return diff;
  const cut = diff.lastIndexOf('\n', MAX_DIFF_CHARS);
  const kept = diff.slice(0, cut > 0 ? cut : MAX_DIFF_CHARS);
  const dropped = diff.slice(kept.length).split('\n').filter(Boolean).length;
  return `${kept}\n… ${dropped} more diff lines (see -o json)`;
}

/*
 * File names, CI ids, policy names and messages come from the pull request, so
 * its author controls them: a newline in a file name would start a line of the
 * comment's own (a forged "Policies passed."), a backtick would end a code span,
 * `<`, a pipe or a blank line would open HTML or a table cell. Each is made
 * inert where it is written: control characters escaped visibly (`\n`; in a
 * diff, where lines stay, the bidirectional overrides that hide code), HTML
 * escaped, a backtick in a code span turned into `'`.
 */

/** Text for a Markdown table cell: no newline, no HTML, no pipe. */
function cell(text: string): string {
  return escapeHtml(inert(scrubText(text).replaceAll('\n', ' '))).replaceAll('|', '\\|');
}

/** Text inside backticks on one line: no newline (escaped), no backtick. */
function codeSpan(text: string): string {
  return inert(scrubText(text)).replaceAll('`', "'");
}

/** Text inside backticks in a table cell: as {@link codeSpan}, and no pipe. */
function tableCode(text: string): string {
  return codeSpan(text).replaceAll('|', '\\|');
}

function escapeHtml(text: string): string {
  return scrubText(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
