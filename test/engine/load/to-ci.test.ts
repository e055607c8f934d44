import { describe, expect, it } from 'vitest';
import { clusterScopedCustomKinds } from '../../../engine/model/cluster-scoped.js';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';
import { relationsAnnotationEntries, toCI } from '../../../engine/load/to-ci.js';
import { writtenRelations } from '../../../engine/validate/written-relations.js';
import type { RawDocument } from '../../../engine/model/ci.js';

const docs = (text: string): RawDocument[] => parseYamlFile(text, 'inventory/x.yaml', { maxAliases: 100 }).documents;
const locate = () => ({ line: 0, column: 0 });

function interpret(text: string) {
  const all = docs(text);
  const clusterKinds = clusterScopedCustomKinds(all);
  return all.map((d) => toCI(d, { clusterScopedCustomKinds: clusterKinds, locate }));
}

describe('interpreting documents as CIs', () => {
  it('builds a plumb CI with its identity, metadata and declared relations resolved against its namespace', () => {
    const [{ ci, diagnostics }] = interpret(`apiVersion: plumb.io/v1
kind: Database
metadata:
  name: orders-db
  namespace: shop
  labels: {env: prod, tier: 1}
  owner: group:team-dba
spec: {engine: postgres}
relations:
  - {type: runsOn, target: host:db-host-1}
  - {type: backedUpBy, target: BackupPolicy:ops/nightly}
  - {type: dependsOn}
  - "not a relation"
  - {type: dependsOn, target: "no-kind"}
source: {provider: snapshot, path: observed.yaml}
`);
    expect(diagnostics).toEqual([]);
    expect({ ...ci, object: undefined }).toEqual({
      id: 'database:shop/orders-db',
      apiVersion: 'plumb.io/v1',
      kind: 'Database',
      name: 'orders-db',
      namespace: 'shop',
      labels: { env: 'prod' },
      annotations: {},
      owner: 'group:team-dba',
      relations: [
        { type: 'runsOn', target: 'host:db-host-1', targetId: 'host:shop/db-host-1', inferred: false, pointer: '/relations/0' },
        { type: 'backedUpBy', target: 'BackupPolicy:ops/nightly', targetId: 'backuppolicy:ops/nightly', inferred: false, pointer: '/relations/1' },
      ],
      source: { provider: 'snapshot', path: 'observed.yaml' },
      kubernetes: false,
      object: undefined,
      origin: { file: 'inventory/x.yaml', doc: 0, line: 1, column: 1 },
    });
  });

  it('puts namespaced Kubernetes objects in default and cluster-scoped ones, CRD-declared too, in _cluster', () => {
    const results = interpret(`apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: ignored}
---
apiVersion: example.com/v1
kind: Node
metadata: {name: a-custom-node, namespace: lab}
---
apiVersion: stable.example.com/v1
kind: Tenant
metadata: {name: acme}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: tenants.stable.example.com}
spec: {group: stable.example.com, scope: Cluster, names: {kind: Tenant, plural: tenants}}
`);
    expect(results.map((r) => [r.ci?.id, r.ci?.kubernetes])).toEqual([
      ['deployment:default/api', true],
      ['namespace:_cluster/shop', true],
      ['clusterrole:_cluster/reader', true],
      ['node.example.com:lab/a-custom-node', true],
      ['tenant:_cluster/acme', true],
      ['customresourcedefinition:_cluster/tenants.stable.example.com', true],
    ]);
  });

  it('reads Kubernetes relations from the plumb.io/relations annotation', () => {
    const [{ ci }] = interpret(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    plumb.io/relations: "[{type: dependsOn, target: database:orders-db}]"
`);
    expect(ci?.relations).toEqual([
      {
        type: 'dependsOn',
        target: 'database:orders-db',
        targetId: 'database:shop/orders-db',
        inferred: false,
        pointer: '/metadata/annotations/plumb.io~1relations',
      },
    ]);
  });
});

describe('the plumb.io/relations annotation', () => {
  const deployment = (annotation: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    plumb.io/relations: ${JSON.stringify(annotation)}
`;

  it('is parsed once: validation reads the entries the loader parsed, and a copy of the CI parses them again', () => {
    const text = '- {type: runsOn, target: cluster:k8s-0}\n- {type: partof, target: "application:api"}\n- {type: dependsOn, target: 7}\n';
    const [{ ci, diagnostics }] = interpret(deployment(text));
    expect(diagnostics).toEqual([]);
    const expected = [
      { type: 'runsOn', target: 'cluster:k8s-0', pointer: '/metadata/annotations/plumb.io~1relations' },
      { type: 'partof', target: 'application:api', pointer: '/metadata/annotations/plumb.io~1relations' },
      { type: 'dependsOn', target: 7, pointer: '/metadata/annotations/plumb.io~1relations' },
    ];
    expect(writtenRelations(ci!)).toEqual(expected);
    expect(relationsAnnotationEntries(ci!)).toBe(relationsAnnotationEntries(ci!));
    expect(writtenRelations({ ...ci! })).toEqual(expected);
    expect(ci!.relations.map((r) => r.targetId)).toEqual(['cluster:shop/k8s-0', 'application:shop/api']);
  });

  it('gives the same entries on the fast path and through yaml (anchors, aliases and tags go to yaml)', () => {
    const plain = '[{type: dependsOn, target: "database:db"}, {type: runsOn, target: host:h-1}]';
    const anchored = '- &r {type: dependsOn, target: "database:db"}\n- {type: runsOn, target: host:h-1}\n';
    const [{ ci: a }] = interpret(deployment(plain));
    const [{ ci: b }] = interpret(deployment(anchored));
    expect(relationsAnnotationEntries(a!)).toEqual(relationsAnnotationEntries(b!));
    expect(a!.relations.map((r) => r.targetId)).toEqual(['database:shop/db', 'host:shop/h-1']);
  });

  it('that is not a list, or has a duplicate key, is ci.relations-annotation and yields no entries', () => {
    for (const text of ['type: dependsOn', '- {type: a, type: b}', '[unclosed']) {
      const [{ ci, diagnostics }] = interpret(deployment(text));
      expect(diagnostics.map((d) => d.code)).toEqual(['ci.relations-annotation']);
      expect(writtenRelations(ci!)).toEqual([]);
    }
  });
});
