import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicies } from '../../../engine/policy/load-policies.js';
import { yamlDocs } from './helpers.js';

const root = join(import.meta.dirname, '../../..');

describe('the bundled example policies (policies/)', () => {
  it('validate against the schemas and compile, covering every scope and action', () => {
    const files = Object.fromEntries(
      readdirSync(join(root, 'policies'))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => [`policies/${f}`, readFileSync(join(root, 'policies', f), 'utf8')]),
    );
    const repo = yamlDocs(files);
    const { policies, exceptions, diagnostics } = loadPolicies(repo.docs, repo.locate);
    expect(diagnostics).toEqual([]);
    expect(new Set(policies.map((p) => p.scope))).toEqual(new Set(['inventory', 'change', 'plan']));
    expect(new Set(policies.map((p) => p.action))).toEqual(new Set(['deny', 'warn', 'audit']));
    expect(exceptions.length).toBeGreaterThan(0);
  });
});
