import type { Diagnostic } from '../model/diagnostic.js';
import type { PlannedChange } from '../plan/types.js';
import type { Provider } from '../providers/contract.js';
import type { ChangeOutcome } from './types.js';
import { isUnreachable } from '../model/codes.js';

/**
 * One change through its provider. A provider reports expected failures as
 * `ok: false` or error diagnostics; a throw is treated the same way, so one
 * bad change fails itself and never the rest of its wave. `written` collects
 * the object as each applied change's write stored it (`ApplyAnswer.stored`,
 * the health wait's first observation).
 */
export async function applyChange(
  change: PlannedChange,
  provider: Provider,
  signal: AbortSignal,
  diagnostics: Diagnostic[],
  written?: Map<string, Readonly<Record<string, unknown>>>,
): Promise<ChangeOutcome> {
  const base = { id: change.id, target: change.target, action: change.action, wave: change.wave };
  if (!provider.apply || provider.readOnly) {
    return { ...base, result: 'failed', message: `provider ${provider.name} is read-only` };
  }
  try {
    const answer = await provider.apply({ change, desired: change.desired, dryRun: false }, signal);
    diagnostics.push(...answer.diagnostics.map((d) => (d.ci ? d : { ...d, ci: change.id })));
    const error = answer.diagnostics.find((d) => d.severity === 'error');
    if (!answer.ok || error) {
      const unreachable = answer.diagnostics.some((d) => d.severity === 'error' && isUnreachable(d.code));
      return { ...base, result: 'failed', message: error?.message ?? 'the provider reported a failure', ...(unreachable ? { unreachable } : {}) };
    }
    if (written && answer.stored) written.set(change.id, answer.stored);
    return { ...base, result: 'applied' };
  } catch (e) {
    return { ...base, result: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}
