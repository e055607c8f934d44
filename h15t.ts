import { parseYamlFile } from './engine/load/parse-yaml.ts';
const k8s = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n${body}`;
for (const b of ['spec: {a: 9007199254740991, b: -9007199254740991, c: 1e400, d: 00000000000000001}\n', 'spec: {a: !!float 017}\n', 'spec: {a: !!bool yes}\n']) {
  const r = parseYamlFile(k8s(b), 'x.yaml', { maxAliases: 100 });
  console.log(JSON.stringify(r.documents[0]?.value), JSON.stringify(r.diagnostics));
}
