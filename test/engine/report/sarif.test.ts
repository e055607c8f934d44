import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../engine/model/diagnostic.js';
import type { PolicyResult } from '../../../engine/plan/types.js';
import { toSarif } from '../../../engine/report/sarif.js';
import { sarifErrors } from '../../helpers/sarif-schema.js';

const diagnostics: Diagnostic[] = [
  {
    severity: 'warning',
    code: 'policy.exception-expired',
    message: 'exception old expired 2025-12-31 and no longer applies to prod-owner',
    hint: 'renew it',
    file: 'policies/exceptions.yaml',
    line: 17,
    column: 12,
  },
  {
    severity: 'error',
    code: 'ref.unresolved',
    message: 'host:shop/nope does not exist',
    file: 'inventory/db.yaml',
    line: 9,
    column: 5,
    ci: 'database:shop/orders-db',
  },
];

const policyResults: PolicyResult[] = [
  {
    policy: 'prod-db-backup',
    ci: 'database:shop/orders-db',
    action: 'deny',
    severity: 'critical',
    outcome: 'violated',
    message: 'a prod database must be backedUpBy a BackupPolicy',
    file: 'inventory/db.yaml',
    line: 1,
    column: 1,
  },
  {
    policy: 'prod-owner',
    ci: 'application:shop/reporting',
    action: 'warn',
    severity: 'medium',
    outcome: 'excepted',
    message: 'no owner (excepted by old: gone)',
    exception: 'old',
    file: 'inventory/app reporting.yaml',
    line: 4,
    column: 1,
  },
  {
    policy: 'few-deletes',
    ci: null,
    action: 'audit',
    severity: 'low',
    outcome: 'error',
    message: 'policy few-deletes failed to evaluate',
    file: 'policies/p.yaml',
    line: 60,
    column: 1,
  },
];

describe('toSarif', () => {
  const log = toSarif({
    diagnostics,
    policyResults,
    policies: [
      { name: 'prod-db-backup', action: 'deny', severity: 'critical', description: 'every prod database is backed up' },
      { name: 'quiet', action: 'audit', severity: 'low' },
    ],
  });

  it('is valid SARIF 2.1.0 by the official schema', () => {
    expect(sarifErrors(log)).toEqual([]);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const broken = { ...log, runs: [{ ...log.runs[0], results: [{ ruleId: 'x' }] }] };
    expect(sarifErrors(broken)).not.toEqual([]);
  });

  it('has one rule per policy and per diagnostic code, with levels from severity, and located results', () => {
    expect(log).toEqual({
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'plumb',
              informationUri: 'https://plumb.io',
              rules: [
                {
                  id: 'prod-db-backup',
                  name: 'prod-db-backup',
                  shortDescription: { text: 'every prod database is backed up' },
                  defaultConfiguration: { level: 'error' },
                  properties: { action: 'deny', severity: 'critical' },
                },
                {
                  id: 'quiet',
                  name: 'quiet',
                  shortDescription: { text: 'plumb policy quiet (audit)' },
                  defaultConfiguration: { level: 'note' },
                  properties: { action: 'audit', severity: 'low' },
                },
                {
                  id: 'prod-owner',
                  name: 'prod-owner',
                  shortDescription: { text: 'plumb policy prod-owner (warn)' },
                  defaultConfiguration: { level: 'warning' },
                  properties: { action: 'warn', severity: 'medium' },
                },
                {
                  id: 'few-deletes',
                  name: 'few-deletes',
                  shortDescription: { text: 'plumb policy few-deletes (audit)' },
                  defaultConfiguration: { level: 'note' },
                  properties: { action: 'audit', severity: 'low' },
                },
                { id: 'ref.unresolved', shortDescription: { text: 'plumb diagnostic ref.unresolved' }, defaultConfiguration: { level: 'error' } },
                {
                  id: 'policy.exception-expired',
                  shortDescription: { text: 'plumb diagnostic policy.exception-expired' },
                  defaultConfiguration: { level: 'warning' },
                },
              ],
            },
          },
          originalUriBaseIds: { SRCROOT: { description: { text: 'the repository root' } } },
          results: [
            {
              ruleId: 'prod-db-backup',
              ruleIndex: 0,
              level: 'error',
              message: { text: 'a prod database must be backedUpBy a BackupPolicy' },
              locations: [
                { physicalLocation: { artifactLocation: { uri: 'inventory/db.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 1, startColumn: 1 } } },
              ],
              properties: { action: 'deny', outcome: 'violated', severity: 'critical', ci: 'database:shop/orders-db' },
            },
            {
              ruleId: 'prod-owner',
              ruleIndex: 2,
              level: 'warning',
              message: { text: 'no owner (excepted by old: gone)' },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'inventory/app%20reporting.yaml', uriBaseId: 'SRCROOT' },
                    region: { startLine: 4, startColumn: 1 },
                  },
                },
              ],
              suppressions: [{ kind: 'external', justification: 'policy exception old' }],
              properties: { action: 'warn', outcome: 'excepted', severity: 'medium', ci: 'application:shop/reporting' },
            },
            {
              ruleId: 'few-deletes',
              ruleIndex: 3,
              level: 'error',
              message: { text: 'policy few-deletes failed to evaluate' },
              locations: [
                { physicalLocation: { artifactLocation: { uri: 'policies/p.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 60, startColumn: 1 } } },
              ],
              properties: { action: 'audit', outcome: 'error', severity: 'low' },
            },
            {
              ruleId: 'ref.unresolved',
              ruleIndex: 4,
              level: 'error',
              message: { text: 'host:shop/nope does not exist' },
              locations: [
                { physicalLocation: { artifactLocation: { uri: 'inventory/db.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 9, startColumn: 5 } } },
              ],
              properties: { ci: 'database:shop/orders-db' },
            },
            {
              ruleId: 'policy.exception-expired',
              ruleIndex: 5,
              level: 'warning',
              message: { text: 'exception old expired 2025-12-31 and no longer applies to prod-owner (renew it)' },
              locations: [
                {
                  physicalLocation: { artifactLocation: { uri: 'policies/exceptions.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 17, startColumn: 12 } },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('an empty run is still valid SARIF', () => {
    const empty = toSarif({});
    expect(sarifErrors(empty)).toEqual([]);
    expect(empty.runs[0].results).toEqual([]);
  });
});
