/**
 * A tiny generator of synthetic inventory files for the loader benchmarks:
 * `docsPerFile` CIs per file, ~340 bytes each, with labels, a spec and a few
 * relations — 10,000 files × 10 CIs ≈ 34 MB, the corpus of docs/architecture.md's
 * performance notes.
 */
export function syntheticFile(fileIndex: number, docsPerFile = 10): string {
  const docs: string[] = [];
  for (let d = 0; d < docsPerFile; d++) {
    const n = fileIndex * docsPerFile + d;
    docs.push(`apiVersion: plumb.io/v1
kind: Application
metadata:
  name: app-${n}
  namespace: ns-${n % 50}
  labels: {env: prod, tier: "${n % 3}", team: team-${n % 20}}
spec:
  version: "1.${n % 10}.${n % 7}"
  replicas: ${1 + (n % 5)}
  image: registry.example.com/app-${n}:1.${n % 10}
  ports: [8080, 9090]
relations:
  - {type: runsOn, target: host:host-${n % 997}}
  - {type: dependsOn, target: database:db-${n % 301}}
  - {type: ownedBy, target: group:team-${n % 20}}
`);
  }
  return docs.join('---\n');
}

/** `{path: text}` for `files` synthetic inventory files. */
export function syntheticInventory(files: number, docsPerFile = 10): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < files; i++) out[`inventory/group-${i % 100}/file-${i}.yaml`] = syntheticFile(i, docsPerFile);
  return out;
}
