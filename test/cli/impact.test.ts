import { readFileSync, rmSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { makeGitRepo, writeFiles } from '../helpers/git-repo.js';
import { fixture, PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const schema = JSON.parse(readFileSync(`${PROJECT_ROOT}schemas/impact-output.schema.json`, 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const shop = fixture('impact-shop');

/** Runs `plumb impact … -o json` on the shop fixture, checks the output against its schema, and returns it parsed. */
async function impactJson(args: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await runCli(['impact', ...args, '--repo', shop, '-o', 'json']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const json = JSON.parse(stdout);
  expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  return json;
}

describe('plumb impact', () => {
  it('prints the risk, the business services and the why tree, worst first', async () => {
    const { code, stdout } = await runCli(['impact', 'host:shop/db-host', '--repo', shop]);
    expect({ code, stdout }).toEqual({
      code: 0,
      stdout: [
        'impact of down on host:shop/db-host',
        'risk: high (73/100) · 4 CIs affected: 3 down, 1 degraded',
        'business services:',
        '  down      businessservice:shop/webshop (critical)',
        'why:',
        'host:shop/db-host down (source)',
        '└─ database:shop/orders-db down · runsOn',
        '   └─ application:shop/orders-api down · dependsOn',
        '      ├─ businessservice:shop/webshop down · dependsOn',
        '      └─ application:shop/storefront degraded · consumesApi',
        '',
      ].join('\n'),
    });
  });

  it('-o json: one cache of a redundant pair down only puts its users at risk', async () => {
    expect(await impactJson(['database:shop/cache-a'])).toEqual({
      sources: ['database:shop/cache-a'],
      event: 'down',
      affected: [
        { id: 'application:shop/orders-api', state: 'at-risk', depth: 1, path: ['database:shop/cache-a', 'application:shop/orders-api'] },
        {
          id: 'businessservice:shop/webshop',
          state: 'at-risk',
          depth: 2,
          path: ['database:shop/cache-a', 'application:shop/orders-api', 'businessservice:shop/webshop'],
        },
      ],
      businessServices: [{ id: 'businessservice:shop/webshop', criticality: 'critical', state: 'at-risk' }],
      risk: { score: 22, level: 'low' },
    });
  });

  it('-o json: both caches down take the service down (several REFs, kind:namespace/name and kind:name forms)', async () => {
    const json = (await impactJson(['database:shop/cache-b', 'database:shop/cache-a', '--event', 'down'])) as { affected: unknown[]; risk: unknown };
    expect({ affected: json.affected, risk: json.risk }).toEqual({
      affected: [
        { id: 'application:shop/orders-api', state: 'down', depth: 1, path: ['database:shop/cache-a', 'application:shop/orders-api'] },
        {
          id: 'businessservice:shop/webshop',
          state: 'down',
          depth: 2,
          path: ['database:shop/cache-a', 'application:shop/orders-api', 'businessservice:shop/webshop'],
        },
        {
          id: 'application:shop/storefront',
          state: 'degraded',
          depth: 2,
          path: ['database:shop/cache-a', 'application:shop/orders-api', 'application:shop/storefront'],
        },
      ],
      risk: { score: 73, level: 'high' },
    });
  });

  it('-o json --event change: everything at risk, with the state it would reach; a cluster below minUp would go down', async () => {
    expect(await impactJson(['host:shop/node-1', '--event', 'change'])).toEqual({
      sources: ['host:shop/node-1'],
      event: 'change',
      affected: [
        { id: 'cluster:shop/k8s', state: 'at-risk', depth: 1, path: ['host:shop/node-1', 'cluster:shop/k8s'], wouldBe: 'down' },
        { id: 'database:shop/cache-a', state: 'at-risk', depth: 1, path: ['host:shop/node-1', 'database:shop/cache-a'], wouldBe: 'down' },
        {
          id: 'application:shop/orders-api',
          state: 'at-risk',
          depth: 2,
          path: ['host:shop/node-1', 'cluster:shop/k8s', 'application:shop/orders-api'],
          wouldBe: 'down',
        },
        {
          id: 'application:shop/storefront',
          state: 'at-risk',
          depth: 2,
          path: ['host:shop/node-1', 'cluster:shop/k8s', 'application:shop/storefront'],
          wouldBe: 'down',
        },
        {
          id: 'businessservice:shop/webshop',
          state: 'at-risk',
          depth: 3,
          path: ['host:shop/node-1', 'cluster:shop/k8s', 'application:shop/orders-api', 'businessservice:shop/webshop'],
          wouldBe: 'down',
        },
      ],
      businessServices: [{ id: 'businessservice:shop/webshop', criticality: 'critical', state: 'at-risk' }],
      risk: { score: 70, level: 'high' },
    });
  });

  it('an unknown reference exits 1 with a did-you-mean, and no stack trace', async () => {
    expect(await runCli(['impact', 'host:shop/db-hots', '--repo', shop])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: there is no host:shop/db-hots in the inventory\n  hint: did you mean host:shop/db-host?\n',
    });
  });

  it('kind:name means the default namespace', async () => {
    const { code, stderr } = await runCli(['impact', 'host:db-host', '--repo', shop]);
    expect({ code, stderr }).toEqual({
      code: 1,
      stderr: 'error: there is no host:default/db-host in the inventory\n  hint: did you mean host:shop/db-host?\n',
    });
  });

  it('refuses an inventory with validation errors, listing them briefly', async () => {
    expect(await runCli(['impact', 'application:api', '--repo', fixture('impact-invalid')])).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'error: the inventory has 1 validation error; impact needs a valid graph',
        '  inventory/apps.yaml:5:31  ref.unresolved  reference "database:missing-db" does not resolve: there is no database:default/missing-db',
        '  hint: run `plumb validate` for details, fix the errors, then simulate again',
        '',
      ].join('\n'),
    });
  });

  it('--rev simulates on a committed revision, not on the work tree', async () => {
    const file = (name: string) => readFileSync(`${shop}/inventory/${name}`, 'utf8');
    const dir = makeGitRepo({
      'inventory/platform.yaml': file('platform.yaml'),
      'inventory/data.yaml': file('data.yaml'),
      'inventory/apps.yaml': file('apps.yaml'),
    });
    writeFiles(dir, { 'inventory/apps.yaml': null }); // the work tree loses every application
    const ids = async (args: string[]) => {
      const { code, stdout } = await runCli(['impact', 'database:shop/orders-db', '--repo', dir, '-o', 'json', ...args]);
      return code === 0 ? (JSON.parse(stdout) as { affected: Array<{ id: string }> }).affected.map((a) => a.id) : code;
    };
    try {
      expect([await ids([]), await ids(['--rev', 'main'])]).toEqual([
        [],
        ['application:shop/orders-api', 'businessservice:shop/webshop', 'application:shop/storefront'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown event before loading anything', async () => {
    const { code, stderr } = await runCli(['impact', 'host:shop/db-host', '--event', 'explode', '--repo', shop]);
    expect(code).toBe(1);
    expect(stderr).toContain("argument 'explode' is invalid");
  });
});
