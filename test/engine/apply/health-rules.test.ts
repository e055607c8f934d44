import { describe, expect, it } from 'vitest';
import { compileHealthRules } from '../../../engine/apply/health-rules.js';

const certificate = (status: unknown) => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web' }, status });

describe('per-kind health rules in CEL (plumb.yaml health.checks, as Flux healthCheckExprs)', () => {
  const rule = compileHealthRules({
    checks: [
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
        failed: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'False' && c.reason == 'Failed')",
      },
      { apiVersion: 'batch/v1', kind: 'Job', wait: false },
    ],
  })!;

  it('healthy, failed for good, still waiting (also while status is not there yet), not waited for, not covered', () => {
    expect(rule(certificate({ conditions: [{ type: 'Ready', status: 'True' }] }))).toMatchObject({ healthy: true, done: true });
    expect(rule(certificate({ conditions: [{ type: 'Ready', status: 'False', reason: 'Failed' }] }))).toMatchObject({ healthy: false, done: true });
    expect(rule(certificate({ conditions: [{ type: 'Ready', status: 'False', reason: 'Pending' }] }))).toMatchObject({ healthy: false, done: false });
    expect(rule(certificate(undefined))).toMatchObject({ healthy: false, done: false });
    expect(rule({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' } })).toBe('no-wait');
    expect(rule({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } })).toBeUndefined();
  });

  it('an expression that does not compile is a config error naming the check', () => {
    expect(() => compileHealthRules({ checks: [{ apiVersion: 'v1', kind: 'Pod', current: 'status.phase ==' }] })).toThrow(
      /health\.checks\[0\]\.current \(Pod\) is not valid CEL/,
    );
    expect(() => compileHealthRules({ checks: [{ apiVersion: 'v1', kind: 'Pod', current: 'stauts.phase == "Running"' }] })).toThrow(/not valid CEL/);
  });
});
