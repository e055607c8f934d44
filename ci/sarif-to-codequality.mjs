#!/usr/bin/env node
/**
 * A SARIF 2.1.0 log (plumb review -o sarif) as a GitLab Code Quality report
 * (the CodeClimate JSON subset GitLab reads: description, check_name,
 * fingerprint, severity, location.path, location.lines.begin), so a merge
 * request's widget and diff show plumb's diagnostics and policy results at
 * their lines. Results without a file are placed on plumb.yaml, line 1
 * (GitLab needs a path). The fingerprint is a SHA-256 of rule, place and
 * message, stable across pipelines so GitLab can tell new findings from old.
 *
 *   node ci/sarif-to-codequality.mjs plumb-review.sarif > gl-code-quality.json
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const SEVERITY = { error: 'major', warning: 'minor', note: 'info', none: 'info' };

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: sarif-to-codequality.mjs FILE.sarif\n');
  process.exit(64);
}
const log = JSON.parse(readFileSync(file, 'utf8'));
const issues = [];
for (const run of log.runs ?? []) {
  for (const result of run.results ?? []) {
    if (result.suppressions?.length) continue;
    const where = result.locations?.[0]?.physicalLocation;
    const path = where?.artifactLocation?.uri ?? 'plumb.yaml';
    const line = where?.region?.startLine ?? 1;
    const description = result.message?.text ?? result.ruleId;
    issues.push({
      type: 'issue',
      check_name: result.ruleId,
      description,
      categories: ['Bug Risk'],
      severity: SEVERITY[result.level ?? 'warning'] ?? 'minor',
      fingerprint: createHash('sha256').update(`${result.ruleId}\0${path}\0${line}\0${description}`).digest('hex'),
      location: { path, lines: { begin: line } },
    });
  }
}
process.stdout.write(JSON.stringify(issues, null, 2) + '\n');
