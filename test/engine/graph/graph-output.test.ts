import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { buildGraph } from '../../../engine/graph/build-graph.js';
import { graphToDot } from '../../../engine/report/graph-dot.js';
import { graphToJson } from '../../../engine/report/graph-json.js';
import { graphToMermaid } from '../../../engine/report/graph-mermaid.js';
import { ci } from '../../helpers/make-repo.js';

const { graph } = buildGraph([
  ci({ kind: 'Application', name: 'web"shop', namespace: 'shop', relations: [{ type: 'dependsOn', target: 'database:orders' }] }),
  ci({ kind: 'Database', name: 'orders', namespace: 'shop' }),
  ci({ apiVersion: 'v1', kind: 'Service', name: 'api', namespace: 'shop', extra: { spec: { selector: { app: 'api' } } } }),
  ci({ apiVersion: 'v1', kind: 'Pod', name: 'api', namespace: 'shop', labels: { app: 'api' }, extra: { spec: {} } }),
]);

describe('graph outputs', () => {
  it('json lists nodes and edges, inferred always present, valid against its schema', () => {
    const json = graphToJson(graph);
    expect(json).toEqual({
      nodes: [
        { id: 'application:shop/web"shop', kind: 'Application', namespace: 'shop', name: 'web"shop' },
        { id: 'database:shop/orders', kind: 'Database', namespace: 'shop', name: 'orders' },
        { id: 'service:shop/api', kind: 'Service', namespace: 'shop', name: 'api' },
        { id: 'pod:shop/api', kind: 'Pod', namespace: 'shop', name: 'api' },
      ],
      edges: [
        { source: 'application:shop/web"shop', target: 'database:shop/orders', type: 'dependsOn', inferred: false },
        { source: 'service:shop/api', target: 'pod:shop/api', type: 'dependsOn', inferred: true },
      ],
    });
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/graph-output.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(json)).toBe(true);
    expect(validate({ nodes: [], edges: [{ source: 'a' }] })).toBe(false);
  });

  it('dot labels edges with their type, dashes inferred ones, escapes quotes', () => {
    expect(graphToDot(graph)).toBe(
      [
        'digraph plumb {',
        '  rankdir=LR;',
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  "application:shop/web\\"shop" [label="Application\\nshop/web\\"shop"];',
        '  "database:shop/orders" [label="Database\\nshop/orders"];',
        '  "service:shop/api" [label="Service\\nshop/api"];',
        '  "pod:shop/api" [label="Pod\\nshop/api"];',
        '  "application:shop/web\\"shop" -> "database:shop/orders" [label="dependsOn"];',
        '  "service:shop/api" -> "pod:shop/api" [label="dependsOn", style=dashed];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('mermaid uses safe node ids and escaped labels, dotted arrows for inferred edges', () => {
    expect(graphToMermaid(graph)).toBe(
      [
        'flowchart LR',
        '  n0["Application<br/>shop/web#34;shop"]',
        '  n1["Database<br/>shop/orders"]',
        '  n2["Service<br/>shop/api"]',
        '  n3["Pod<br/>shop/api"]',
        '  n0 -->|dependsOn| n1',
        '  n2 -.->|dependsOn| n3',
        '',
      ].join('\n'),
    );
  });
});
