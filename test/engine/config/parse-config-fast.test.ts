import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../engine/config/load-config.js';
import { parseConfigText } from '../../../engine/config/parse-config.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every plumb.yaml of the repository: the bundled example's, the fixtures', the examples'. */
function configFiles(): string[] {
  return readdirSync(ROOT, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === 'plumb.yaml' && !/node_modules|[/\\]dist[/\\]|^dist/.test(join(e.parentPath, e.name).slice(ROOT.length)))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * loadConfig's parse (js-yaml, checked without positions, `yaml` only when a
 * diagnostic needs its position or the text needs `yaml`) gives what the `yaml`
 * parse gives: the same configuration, the same diagnostics at the same lines.
 */
describe('plumb.yaml parsed the fast way', () => {
  const files = configFiles();

  it('equals the yaml parse for every plumb.yaml in the repository', async () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect({ file, ...(await parseConfig(text)) }).toEqual({ file, ...parseConfigText(text) });
    }
  });

  it('equals it for broken or unusual texts too, diagnostics and their positions included', async () => {
    const texts = [
      '',
      '# only a comment\n',
      '[1, 2]\n',
      'targets:\n  prod: {provider: snapshot}\ndefaultTarget: staging\n',
      'inventory: ["apps/**"]\nrender:\n  kustomizations: ["../../etc"]\n',
      'network:\n  allow: [10.0.0.0/8]\n  deny: [10.0.0.0/99, "not a host"]\n',
      'metrics:\n  bearerToken: s3cr3t\n',
      'unknownSetting: 1\ntargets: {}\n',
      'targets: &t {a: {provider: snapshot}}\nother: *t\n',
      'targets:\n  a: {provider: snapshot}\n  a: {provider: snapshot}\n',
      'targets: {a: {provider: snapshot}\n',
      'backup: {store: dir, path: .plumb/backups}\ndefaultTarget: k8s\ntargets:\n  k8s: {provider: kubernetes}\n',
      // lone carriage returns: line breaks to js-yaml, content to yaml (the fast path read a list `yaml` reads as a string)
      'inventory:\r  - "ci/**"\r',
      'inventory: ["ci/**"] # c\rdefaultTarget: nowhere\n',
    ];
    for (const text of texts) expect({ text, ...(await parseConfig(text)) }).toEqual({ text, ...parseConfigText(text) });
  });
});
