import { describe, expect, it } from 'vitest';
import { makeGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * What plumb writes is ordered the same on every machine (engine/model/compare-text.ts):
 * under da_DK "aa" collates as "å", after "z", so a locale-following sort put
 * inventory/aa-web.yaml's diagnostics after inventory/zz-api.yaml's, and a CI
 * runner and an operator's shell printed one repository's findings in two orders.
 */
describe('output order does not follow the locale', () => {
  const repo = makeGitRepo({
    'inventory/zz-api.yaml':
      'apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: zz-api, namespace: shop}\nrelations:\n  - {type: dependsOn, target: database:missing-z}\n',
    'inventory/aa-web.yaml':
      'apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: aa-web, namespace: shop}\nrelations:\n  - {type: dependsOn, target: database:missing-a}\n',
    'inventory/Ab-batch.yaml':
      'apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: ab-batch, namespace: shop}\nrelations:\n  - {type: dependsOn, target: database:missing-b}\n',
  });

  it('validate lists files in code-unit order under C, en_US and da_DK alike', async () => {
    const outputs: string[] = [];
    for (const locale of ['C.UTF-8', 'en_US.UTF-8', 'da_DK.UTF-8']) {
      const { code, stdout, stderr } = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: { LANG: locale, LC_ALL: locale } });
      expect(code, stderr).toBe(1);
      outputs.push(stdout);
    }
    const files = (JSON.parse(outputs[0]).diagnostics as { file: string }[]).map((d) => d.file);
    expect(files).toEqual(['inventory/Ab-batch.yaml', 'inventory/aa-web.yaml', 'inventory/zz-api.yaml']);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });
});
