import { readFile } from 'node:fs/promises';
import { PlumbError } from '../model/errors.js';
import { planHash } from '../plan/assemble-plan.js';
import { fromPlanFile, type PlanFile } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';

/**
 * Reads a plan written by `plumb plan --out`. The plan is a value whose `hash`
 * covers everything else in it, so a file edited after planning — a wave
 * moved, a desired value changed — is refused (`plan.modified`) instead of
 * applied: what was reviewed is what gets applied.
 */
export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PlumbError('plan.unreadable', `cannot read plan file ${path}`, { hint: 'write one with `plumb plan --out plan.json`', cause: e });
  }
  let file: PlanFile;
  try {
    file = JSON.parse(text) as PlanFile;
  } catch (e) {
    throw new PlumbError('plan.invalid', `${path} is not JSON`, { hint: 'write the plan with `plumb plan --out plan.json`', cause: e });
  }
  if (
    typeof file !== 'object' ||
    file === null ||
    (file.version !== 1 && file.version !== 2) ||
    !Array.isArray(file.changes) ||
    typeof file.hash !== 'string'
  ) {
    throw new PlumbError('plan.invalid', `${path} is not a plumb plan (version 1 or 2)`, { hint: 'write the plan with `plumb plan --out plan.json`' });
  }
  let plan: Plan;
  try {
    // version 2 writes a create's object once: its patch and diff are restored from desired
    plan = fromPlanFile(file);
  } catch (e) {
    throw new PlumbError('plan.invalid', `${path} is not a plumb plan: ${(e as Error).message}`, { hint: 'write the plan with `plumb plan --out plan.json`' });
  }
  if (planHash(plan) !== plan.hash) {
    throw new PlumbError('plan.modified', `${path} was modified after it was planned (its hash does not match its content)`, {
      hint: 'run `plumb plan --out` again; apply only plans as they were written',
      data: { hash: plan.hash },
    });
  }
  return plan;
}
