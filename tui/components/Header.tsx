/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, Text } from 'ink';
import type { Plan } from '../../engine/index.js';
import { cut } from '../model/fit.js';
import type { PolicyIndex } from '../model/policy-state.js';
import { useTone } from '../theme.js';

export interface HeaderProps {
  readonly plan?: Plan;
  readonly policies?: PolicyIndex;
  readonly width: number;
}

/** Revision, targets, summary counts and the worst policy result — one line, then the policy line. */
export function Header({ plan, policies, width }: HeaderProps) {
  const tone = useTone();
  if (!plan || !policies) {
    return (
      <Box flexDirection="column">
        <Text bold>{cut('plumb · no plan yet', width)}</Text>
        <Text> </Text>
      </Box>
    );
  }
  const s = plan.summary;
  const rev = plan.revision.length > 12 ? plan.revision.slice(0, 12) : plan.revision;
  const head = `plumb · ${rev} · target ${plan.targets.join(', ') || '-'} · +${s.create} ~${s.update} -${s.delete} =${s.noop} ?${s.unmanaged}`;
  const c = policies.counts;
  const parts = [
    c.deny && `${c.deny} deny`,
    c.error && `${c.error} error`,
    c.warn && `${c.warn} warn`,
    c.audit && `${c.audit} audit`,
    c.excepted && `${c.excepted} excepted`,
  ].filter(Boolean);
  const verdict = plan.policy.denied ? 'DENIED' : policies.overall === 'ok' ? 'passed' : policies.overall;
  const policyLine = `policy: ${verdict}${parts.length ? ` (${parts.join(', ')})` : ''} · risk ${plan.impact.risk.level} (${plan.impact.risk.score})`;
  return (
    <Box flexDirection="column">
      <Text bold>{cut(head, width)}</Text>
      <Text color={tone(plan.policy.denied ? 'deny' : policies.overall)}>{cut(policyLine, width)}</Text>
    </Box>
  );
}
