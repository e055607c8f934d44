import { spawnSync } from 'node:child_process';
import { celEnv, parse, plan } from '@bufbuild/cel';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffObject } from '../../../engine/diff/diff-object.js';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';
import { fromCelValue } from '../../../engine/policy/cel-values.js';
import { normalizeDesiredSecret } from '../../../engine/redact/normalize-secret.js';
import { SecretScrubber } from '../../../engine/redact/scrubber.js';
import { runCli } from '../../helpers/run-cli.js';

type Obj = Record<string, any>;

/**
 * `__proto__` is an ordinary key to Kubernetes (a ConfigMap or Secret key may
 * be any of `[-._a-zA-Z0-9]+`), to YAML and to JSON.parse; to a plain
 * assignment `out[k] = v` on an object that does not own it yet, it is
 * Object.prototype's setter, and the key is lost. Every copy of a document
 * built key by key keeps it (engine/model/plain-object.ts `setOwn`).
 */
describe('a key named __proto__ is a key like any other', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const own = (o: unknown, key = '__proto__') => Object.prototype.hasOwnProperty.call(o, key);

  it('the text diff shows both sides of a changed __proto__ key (the observed side lost it)', () => {
    const desired = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"__proto__":"new","other":"same"}}') as Obj;
    const observed = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"__proto__":"old","other":"same"}}') as Obj;
    const d = diffObject(desired, observed, { id: 'configmap:default/x' });
    expect(d.paths).toEqual(['/data/__proto__']);
    expect(d.text).toContain('-  __proto__: old\n');
    expect(d.text).toContain('+  __proto__: new\n');
  });

  it("a Secret's stringData key __proto__ is compared as the API server stores it (data.__proto__), so a change to it is planned", () => {
    const desired = JSON.parse('{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"__proto__":"v2"}}') as Obj;
    const observed = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: JSON.parse(`{"__proto__":"${Buffer.from('v1').toString('base64')}"}`) };
    const normalized = normalizeDesiredSecret(desired, observed) as Obj;
    expect(own(normalized.data)).toBe(true);
    expect(normalized.data.__proto__).toBe(Buffer.from('v2').toString('base64'));
    expect(diffObject(desired, observed, { id: 'secret:default/s', secretPointers: ['/data/*', '/stringData/*'] }).changed).toBe(true);
  });

  it('a Kubernetes manifest read as kubectl reads it (a merge key, yes/no) keeps its __proto__ keys, explicit and merged', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nbase: &b {__proto__: merged, m: "1"}\ndata:\n  <<: *b\n  flag: yes\nother:\n  __proto__: explicit\n  flag: no\n`;
    const { documents, diagnostics } = parseYamlFile(text, 'inventory/x.yaml', { maxAliases: 100 });
    expect(diagnostics).toEqual([]);
    const value = documents[0].value as Obj;
    expect(own(value.data)).toBe(true);
    expect(value.data.__proto__).toBe('merged');
    expect(Object.getPrototypeOf(value.data)).toBe(Object.prototype);
    expect(own(value.other)).toBe(true);
    expect(value.other.__proto__).toBe('explicit');
  });

  it('scrubbing a value keeps a __proto__ key holding an object (it became the copy’s prototype, gone from every output)', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('hunter2-hunter2');
    const value = JSON.parse('{"data":{"__proto__":{"password":"hunter2-hunter2"}}}') as Obj;
    const scrubbed = scrubber.scrubDeep(value);
    expect(own(scrubbed.data)).toBe(true);
    expect(JSON.stringify(scrubbed)).toBe('{"data":{"__proto__":{"password":"(sensitive)"}}}'.replace('(sensitive)', scrubber.scrub('hunter2-hunter2')));
  });

  it('a CEL map result keeps a __proto__ key', () => {
    const run = plan(celEnv(), parse("{'__proto__': 'v'}")) as (bindings: Record<string, never>) => Parameters<typeof fromCelValue>[0];
    const js = fromCelValue(run({})) as Obj;
    expect(own(js)).toBe(true);
    expect(js.__proto__).toBe('v');
  });

  it('end to end: a plan against a snapshot shows the __proto__ key on both sides of the diff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-proto-key-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'inventory'));
    mkdirSync(join(dir, 'observed'));
    writeFileSync(
      join(dir, 'plumb.yaml'),
      'inventory: ["inventory/*.yaml"]\ninventoryId: proto\ntargets:\n  snap: {provider: snapshot, path: observed/snapshot.yaml}\n',
    );
    writeFileSync(join(dir, 'inventory', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odd, namespace: default}\ndata:\n  __proto__: new\n');
    writeFileSync(
      join(dir, 'observed', 'snapshot.yaml'),
      'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: odd, namespace: default, labels: {plumb.io/managed-by: plumb, plumb.io/inventory: proto.snap}}\n    data:\n      __proto__: old\n',
    );
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const r = await runCli(['plan', '-o', 'json', '--repo', dir]);
    expect(r.code, r.stderr).toBe(0);
    const change = (JSON.parse(r.stdout) as Obj).changes[0] as Obj;
    expect(change.action).toBe('update');
    expect(change.diff).toContain('-  __proto__: old\n');
    expect(change.diff).toContain('+  __proto__: new\n');
  });
});
