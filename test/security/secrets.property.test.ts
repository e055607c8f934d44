import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createControllerLogger } from '../../engine/reconcile/logger.js';
import { registerSecretsOf, secretScrubber } from '../../engine/redact/scrubber.js';
import { commit, makeGitRepo, removeGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * The secrets property (docs/security.md): random secret values — quotes,
 * backslashes, newlines, unicode — in every secret position (a schema field
 * reached through $ref at the top level and inside list items, a Kubernetes
 * Secret's data and stringData, its last-applied-configuration annotation)
 * never appear raw, JSON-escaped or base64-encoded in anything plumb writes:
 * validate, plan (text, JSON, Markdown, SARIF, --out), review (every format),
 * discover, apply with an exec plugin that echoes its whole request to stderr
 * and fails with a message quoting the values (as an API server error would),
 * the audit log, and the controller's log.
 *
 * Values are at least 6 characters: free-text scrubbing leaves shorter ones
 * alone (engine/redact/scrubber.ts, MIN_SCRUB_LENGTH); structured redaction
 * hides every length. Two samples by default (each runs ~14 commands);
 * PLUMB_PROPERTY_RUNS=N explores more.
 */

const UNITS = ['a', 'Z', '7', '"', "'", '\\', '\n', ' ', ':', '#', '{', '}', '-', 'é', 'ß', '日', '😀', '\t', '%', '$'];
const secretValue = fc
  .array(fc.constantFrom(...UNITS), { minLength: 6, maxLength: 20 })
  .map((chars) => `s${chars.join('')}X`)
  .filter((v) => v.trim().length >= 6);

const SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  definitions: {
    secretString: { type: 'string', 'x-plumb-secret': true },
    user: { type: 'object', properties: { password: { $ref: '#/definitions/secretString' } } },
  },
  type: 'object',
  properties: {
    apiKey: { $ref: '#/definitions/secretString' },
    spec: { type: 'object', properties: { users: { type: 'array', items: { $ref: '#/definitions/user' } } } },
  },
});

const ECHO_PLUGIN = `
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { operation, request } = JSON.parse(input);
process.stderr.write('request: ' + JSON.stringify(request) + '\\n');
const answer = (body) => process.stdout.write(JSON.stringify(body));
if (operation === 'discover') answer({ observed: [] });
else if (operation === 'apply') answer({ ok: false, diagnostics: [{ severity: 'error', code: 'cmdb.refused', message: 'refused ' + JSON.stringify(request.desired) }] });
else if (operation === 'backup') answer({ artifacts: request.ids.map((id) => ({ id, exists: false, mediaType: 'application/json', data: '' })) });
else if (operation === 'health') answer({ results: request.ids.map((id) => ({ id, healthy: true })) });
else answer({ ok: true, restored: [] });
`;

const yamlString = (s: string) => JSON.stringify(s);

function inventory(secrets: readonly string[]): string {
  const [apiKey, password, data, stringData, applied] = secrets;
  const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { pin: applied } });
  return [
    'apiVersion: plumb.io/v1',
    'kind: Vault',
    'metadata: {name: main, namespace: shop}',
    `apiKey: ${yamlString(apiKey)}`,
    'spec:',
    '  users:',
    `    - password: ${yamlString(password)}`,
    'source: {provider: "exec:cmdb"}',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: db',
    '  namespace: shop',
    '  annotations:',
    `    kubectl.kubernetes.io/last-applied-configuration: ${yamlString(lastApplied)}`,
    'data:',
    `  token: ${Buffer.from(data, 'utf8').toString('base64')}`,
    'stringData:',
    `  pin: ${yamlString(stringData)}`,
    '',
  ].join('\n');
}

/** Every form a value must never take in output. */
function forms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  return [value, once, JSON.stringify(once).slice(1, -1), Buffer.from(value, 'utf8').toString('base64')];
}

const repos: string[] = [];
afterAll(() => repos.forEach((r) => removeGitRepo(r)));

describe('secrets never leave plumb', () => {
  it('in any command, format, log or file, whatever the values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(secretValue, { minLength: 5, maxLength: 5 }), async (secrets) => {
        const dir = makeGitRepo(
          {
            'plumb.yaml':
              'targets:\n  cmdb:\n    provider: exec\n    command: node\n    args: [plugin.mjs]\n    timeout: 60s\n    select: {providers: ["exec:cmdb", kubernetes]}\n',
            'plugin.mjs': ECHO_PLUGIN,
            'schemas/Vault.schema.json': SCHEMA,
            'inventory/.keep.yaml': '',
          },
          { message: 'base' },
        );
        repos.push(dir);
        const base = commit(dir, { 'inventory/secrets.yaml': inventory(secrets) }, 'add secrets');
        const repo = ['--repo', dir];
        const runs: Awaited<ReturnType<typeof runCli>>[] = await Promise.all([
          runCli(['validate', ...repo]),
          runCli(['validate', ...repo, '-o', 'json']),
          runCli(['validate', ...repo, '-o', 'sarif']),
          runCli(['plan', ...repo]),
          runCli(['plan', ...repo, '-o', 'json', '--out', join(dir, 'plan.json')]),
        ]);
        runs.push(
          ...(await Promise.all([
            runCli(['plan', ...repo, '-o', 'markdown']),
            runCli(['plan', ...repo, '-o', 'sarif']),
            runCli(['review', ...repo, '--base', `${base}~1`]),
            runCli(['review', ...repo, '--base', `${base}~1`, '-o', 'json']),
          ])),
        );
        runs.push(
          ...(await Promise.all([
            runCli(['review', ...repo, '--base', `${base}~1`, '-o', 'markdown']),
            runCli(['review', ...repo, '--base', `${base}~1`, '-o', 'sarif']),
            runCli(['discover', ...repo, '-o', 'json']),
            runCli(['apply', ...repo, '--auto-approve']),
          ])),
        );
        const files = ['plan.json', '.plumb/audit.jsonl']
          .map((f) => join(dir, f))
          .filter(existsSync)
          .map((f) => readFileSync(f, 'utf8'));
        expect(files).toHaveLength(2);
        const outputs = [...runs.flatMap((r) => [r.stdout, r.stderr]), ...files];
        // the runs did what they should (else an empty output would pass trivially)
        expect(runs[3].stdout).toContain('vault:shop/main');
        expect(runs[12].stderr + runs[12].stdout).toContain('exec:cmdb: refused {');

        // the controller's log, through the same process-wide scrubber
        const lines: string[] = [];
        const sink = new Writable({
          write(chunk, _e, done) {
            lines.push(String(chunk));
            done();
          },
        });
        const logger = createControllerLogger({ destination: sink });
        const doc = JSON.parse(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: Object.fromEntries(secrets.map((s, i) => [`k${i}`, s])) }));
        registerSecretsOf(doc);
        logger.error({ err: `api server said: ${secrets.join(' | ')}` }, `apply failed: ${JSON.stringify(secrets)}`);
        outputs.push(lines.join(''));

        for (const value of secrets) {
          for (const form of forms(value)) {
            const leaked = outputs.findIndex((o) => o.includes(form));
            expect(leaked, `${JSON.stringify(form)} (of ${JSON.stringify(value)}) appears in output ${leaked}`).toBe(-1);
          }
        }
        expect(secretScrubber.size).toBeGreaterThan(0);
      }),
      { numRuns: Number(process.env.PLUMB_PROPERTY_RUNS ?? 2), endOnFailure: true },
    );
  }, 600_000);
});
