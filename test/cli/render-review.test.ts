import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { sarifErrors } from '../helpers/sarif-schema.js';
import { commit, head, makeGitRepo, removeGitRepo } from '../helpers/git-repo.js';
import { fixtureTree } from '../helpers/fixture-tree.js';
import { fixture, runCli } from '../helpers/run-cli.js';
import { TESTED_VERSIONS } from '../../engine/render/tools.js';
import { describeWithTools } from '../tools/render-tools.js';

interface Change {
  id: string;
  action: string;
  paths: string[];
  file?: string;
  line?: number;
  rendered?: { unit: string; source: string };
}

describeWithTools('plumb review of a rendered repository', ['kustomize', 'helm'], () => {
  let dir: string;
  let base: string;
  beforeAll(() => {
    dir = makeGitRepo(fixtureTree(fixture('render-shop')), { message: 'shop' });
    base = head(dir);
  });
  afterAll(() => removeGitRepo(dir));

  const review = async (from: string, to: string, output: string) => {
    const r = await runCli(['review', '--repo', dir, '--base', from, '--head', to, '-o', output]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };
  const changed = (json: string) => (JSON.parse(json).changes as Change[]).filter((c) => c.action !== 'noop');

  it('validate reports each unit with the tool version it was rendered with', async () => {
    const json = await runCli(['validate', '--repo', dir, '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(
      JSON.parse(json.stdout).renders.map((u: { id: string; toolVersion: string; status: string; objects: number }) => [
        u.id,
        u.toolVersion,
        u.status,
        u.objects,
      ]),
    ).toEqual([
      ['kustomize:inventory/apps/web/overlays/prod', TESTED_VERSIONS.kustomize, 'rendered', 2],
      ['kustomize:inventory/apps/web/overlays/staging', TESTED_VERSIONS.kustomize, 'rendered', 3],
      ['helm:inventory/charts/cache#cache', TESTED_VERSIONS.helm, 'rendered', 2],
    ]);
    const text = await runCli(['validate', '--repo', dir]);
    expect(text.stdout).toContain(`rendered: 2 kustomize units (kustomize ${TESTED_VERSIONS.kustomize}), 1 helm release (helm ${TESTED_VERSIONS.helm})`);
  }, 180_000);

  it('a values-file change shows exactly the rendered object it changes, at the values line in SARIF', async () => {
    const values = fixtureTree(fixture('render-shop'))['inventory/values/cache-prod.yaml'].replace('maxMemory: 256mb', 'maxMemory: 512mb');
    const to = commit(dir, { 'inventory/values/cache-prod.yaml': values }, 'more memory for the cache');
    const json = await review(base, to, 'json');
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(planSchema);
    expect(validate(JSON.parse(json)) ? [] : validate.errors).toEqual([]);
    const changes = changed(json);
    expect(changes.map((c) => [c.id, c.action, c.paths, c.file, c.line])).toEqual([
      ['deployment:shop/cache', 'update', ['/spec/template/spec/containers/0/args/1'], 'inventory/values/cache-prod.yaml', 4],
    ]);
    expect(changes[0].rendered).toEqual({
      unit: 'helm:inventory/charts/cache#cache',
      tool: 'helm',
      source: 'inventory/charts/cache/templates/deployment.yaml',
    });
    const sarif = JSON.parse(await review(base, to, 'sarif'));
    expect(sarifErrors(sarif)).toEqual([]);
    const results = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'render.change');
    expect(results).toHaveLength(1);
    expect(results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'inventory/values/cache-prod.yaml', uriBaseId: 'SRCROOT' },
      region: { startLine: 4 },
    });
    expect(results[0].message.text).toContain('deployment:shop/cache: update of /spec/template/spec/containers/0/args/1');
    const text = await review(base, to, 'text');
    expect(text).toContain('rendered by helm:inventory/charts/cache#cache from inventory/charts/cache/templates/deployment.yaml');
  }, 180_000);

  it("a base change shows both overlays' objects; a patch change only its overlay's", async () => {
    const from = head(dir);
    const files = fixtureTree(fixture('render-shop'));
    const baseChange = commit(
      dir,
      { 'inventory/apps/web/base/deployment.yaml': files['inventory/apps/web/base/deployment.yaml'].replace('web:1.4.0', 'web:1.5.0') },
      'web 1.5.0',
    );
    expect(changed(await review(from, baseChange, 'json')).map((c) => [c.id, c.file, c.line])).toEqual([
      ['deployment:shop-staging/web', 'inventory/apps/web/base/deployment.yaml', 1],
      ['deployment:shop/web', 'inventory/apps/web/base/deployment.yaml', 1],
    ]);
    const patchChange = commit(
      dir,
      { 'inventory/apps/web/overlays/prod/replicas.yaml': files['inventory/apps/web/overlays/prod/replicas.yaml'].replace('replicas: 3', 'replicas: 5') },
      'five web replicas',
    );
    expect(changed(await review(baseChange, patchChange, 'json')).map((c) => [c.id, c.paths, c.file, c.line])).toEqual([
      ['deployment:shop/web', ['/spec/replicas'], 'inventory/apps/web/overlays/prod/replicas.yaml', 6],
    ]);
  }, 180_000);
});
