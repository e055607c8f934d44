/**
 * Generates schemas/kubernetes/openapi-v1.36.3.json, the pinned offline source
 * of Kubernetes types for `plumb validate`, from the official OpenAPI v3 spec of
 * k8s.io/kubernetes v1.36.3 (api/openapi-spec/v3, the same documents the API
 * server serves at /openapi/v3). The spec comes from the Go module cache, where
 * test/cluster/build.sh puts it (or: `go mod download k8s.io/kubernetes@v1.36.3`).
 *
 *   npm run schemas:kubernetes
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addOpenApiDocument, type SchemaNode } from '../../engine/kubernetes-schema/compact-schema.js';

const VERSION = 'v1.36.3';
const modCache = process.env.GOMODCACHE ?? execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
const dir = join(modCache, `k8s.io/kubernetes@${VERSION}`, 'api/openapi-spec/v3');
const into = { kinds: {} as Record<string, string>, defs: {} as Record<string, SchemaNode> };
for (const f of readdirSync(dir).sort()) {
  if (!f.endsWith('.json')) continue;
  addOpenApiDocument(JSON.parse(readFileSync(join(dir, f), 'utf8')), into);
}
const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
const out = { source: `k8s.io/kubernetes@${VERSION} api/openapi-spec/v3`, kinds: sorted(into.kinds), defs: sorted(into.defs) };
const file = new URL(`../../schemas/kubernetes/openapi-${VERSION}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(out) + '\n');
console.log(`${Object.keys(out.kinds).length} kinds, ${Object.keys(out.defs).length} definitions → ${file.pathname}`);
