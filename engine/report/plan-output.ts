import type { Colors } from 'picocolors/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan } from '../plan/types.js';
import { planJsonChunks, renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';
import { toSarif, type SarifPolicyInfo } from './sarif.js';

import type { PlanFormat } from './plan-formats.js';

export { PLAN_FORMATS, type PlanFormat } from './plan-formats.js';

export interface PlanOutputOptions {
  readonly colors: Colors;
  /** `plan` or `review`: the text title and Markdown heading. */
  readonly command: 'plan' | 'review';
  readonly diagnostics: readonly Diagnostic[];
  /** Every policy, so SARIF has a rule for each. */
  readonly policies?: readonly SarifPolicyInfo[];
}

/**
 * Renders a plan (or a review, which is a plan with a base) in the format asked
 * for. Every format carries the diagnostics: text at its end, SARIF as results
 * beside the policy results (placed at the CI's file and line), JSON as
 * `diagnostics` after the plan artifact, Markdown as a "Diagnostics" section
 * of the comment. A command without a plan writes renderFailureOutput instead.
 */
export function renderPlanOutput(format: PlanFormat, plan: Plan, options: PlanOutputOptions): string {
  switch (format) {
    case 'json':
      return renderPlanJson(plan, options.diagnostics);
    case 'markdown':
      return renderPlanMarkdown(plan, { title: `plumb ${options.command}`, diagnostics: options.diagnostics });
    case 'sarif':
      return (
        JSON.stringify(
          toSarif({
            diagnostics: options.diagnostics,
            policyResults: plan.policy.results,
            policies: options.policies,
            changes: plan.changes,
            ...(plan.policyChanges ? { policyChanges: plan.policyChanges } : {}),
            ...(plan.headPolicy ? { headPolicyResults: plan.headPolicy.results } : {}),
          }),
          null,
          2,
        ) + '\n'
      );
    default:
      return renderPlanText(plan, { colors: options.colors, title: options.command, diagnostics: options.diagnostics });
  }
}

/**
 * {@link renderPlanOutput}'s text in pieces, for a stream: JSON one change at
 * a time (a 100k-CI plan is never one 29 MB string), the other formats whole.
 * Joined, the same text.
 */
export function renderPlanOutputChunks(format: PlanFormat, plan: Plan, options: PlanOutputOptions): Iterable<string> {
  return format === 'json' ? planJsonChunks(plan, options.diagnostics) : [renderPlanOutput(format, plan, options)];
}
