import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fixture, PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(`${PROJECT_ROOT}schemas/why-output.schema.json`, 'utf8')));

const shop = fixture('impact-shop');

describe('plumb why', () => {
  it('names the database behind a failing application and the consumer it degrades, with paths and services', async () => {
    const { code, stdout, stderr } = await runCli([
      'why',
      'database:shop/orders-db',
      'application:shop/orders-api',
      'application:shop/storefront',
      '--repo',
      shop,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n').slice(0, 7)).toEqual([
      '3 failing CIs; suspected root cause: database:shop/orders-db (explains 3/3, score 1.001)',
      'explained:',
      '  application:shop/orders-api  database:shop/orders-db ← dependsOn application:shop/orders-api',
      '  application:shop/storefront  database:shop/orders-db ← dependsOn application:shop/orders-api ← consumesApi application:shop/storefront',
      '  database:shop/orders-db      (a cause)',
      'business services hit:',
      '  down      businessservice:shop/webshop (critical)',
    ]);
  });

  it('-o json: both replicas of a redundant cache as one cause, seen-healthy CIs weighed', async () => {
    const { code, stdout } = await runCli([
      'why',
      'database:shop/cache-a',
      'database:shop/cache-b',
      'application:shop/orders-api',
      '--healthy',
      'host:shop/node-1',
      '--repo',
      shop,
      '-o',
      'json',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.best).toMatchObject({ cause: ['database:shop/cache-a', 'database:shop/cache-b'], explains: 3, unexplained: [], contradicted: [] });
    expect(json.businessServices).toEqual([{ id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' }]);
  });

  it('refuses a reference to no CI, with a did-you-mean, exit 1', async () => {
    const { code, stderr, stdout } = await runCli(['why', 'database:shop/orders-dbb', '--repo', shop]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain('there is no database:shop/orders-dbb in the inventory');
    expect(stderr).toContain('did you mean database:shop/orders-db?');
    expect(stderr).not.toContain('    at ');
  });
});
