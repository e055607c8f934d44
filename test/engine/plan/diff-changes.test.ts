import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { diffChanges } from '../../../engine/plan/diff-changes.js';
import { ci } from './fixtures.js';

const repo = { schemas: new Map(), config: { ...DEFAULT_CONFIG, ignoreDifferences: [{ kind: 'Application', pointers: ['/spec/replicas'] }] } };

describe('diffChanges', () => {
  const app = ci('application:shop/api', { replicas: 2, image: 'api:1' });

  it('ignores fields the desired ci does not declare and ignoreDifferences', () => {
    const [d] = diffChanges(
      [
        {
          id: app.id,
          target: 't',
          provider: 'p',
          desired: app,
          observed: { id: app.id, object: { ...app.object, spec: { replicas: 5, image: 'api:1', defaulted: true } } },
        },
      ],
      repo,
    );
    expect([d.action, d.diff.patch, d.desired]).toEqual(['noop', [], undefined]);
  });

  it('compares what the provider projects instead of the desired document when it can', () => {
    const projected = { ...app.object, spec: { replicas: 2, image: 'api:1', defaulted: false } };
    const [d] = diffChanges(
      [
        {
          id: app.id,
          target: 't',
          provider: 'p',
          desired: app,
          projected,
          observed: { id: app.id, object: { ...app.object, spec: { image: 'api:1', defaulted: true } } },
        },
      ],
      repo,
    );
    expect([d.action, d.diff.paths]).toEqual(['update', ['/spec/defaulted']]);
  });

  it('redacts Kubernetes Secret values in the patch, the diff and the desired copy', () => {
    const secret = {
      ...ci('secret:shop/creds'),
      apiVersion: 'v1',
      kind: 'Secret',
      kubernetes: true,
      object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'shop' }, data: { KEY: 'bmV3' } },
    };
    const [d] = diffChanges(
      [{ id: secret.id, target: 't', provider: 'p', desired: secret, observed: { id: secret.id, object: { ...secret.object, data: { KEY: 'b2xk' } } } }],
      repo,
    );
    expect(d.action).toBe('update');
    expect(JSON.stringify([d.diff, d.desired])).not.toMatch(/bmV3|b2xk/);
    expect(d.diff.text).toContain('(sensitive, changed)');
  });
});
