import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/run-cli.js';

const repo = fixture('validate-graph-kubernetes');
const schema = JSON.parse(readFileSync(new URL('../../schemas/graph-output.schema.json', import.meta.url), 'utf8'));

describe('plumb graph', () => {
  it('prints JSON by default, valid against its schema, exit 0', async () => {
    const { code, stdout, stderr } = await runCli(['graph', '--repo', repo]);
    expect([code, stderr]).toEqual([0, '']);
    const graph = JSON.parse(stdout);
    expect(new Ajv({ strict: false }).compile(schema)(graph)).toBe(true);
    expect(graph.nodes).toHaveLength(14);
    expect(graph.edges).toHaveLength(13);
    expect(graph.edges[0]).toEqual({ source: 'box:shop/storefront', target: 'ingress:shop/web', type: 'dependsOn', inferred: false });
  });

  it('focuses on one CI to a depth, both directions', async () => {
    const { code, stdout } = await runCli(['graph', '--repo', repo, '--focus', 'statefulset:shop/orders-db', '--depth', '1', '-o', 'json']);
    expect(code).toBe(0);
    const graph = JSON.parse(stdout);
    expect(graph.nodes.map((n: { id: string }) => n.id).sort()).toEqual([
      'deployment:shop/api',
      'secret:shop/orders-db-creds',
      'service:shop/orders-db',
      'statefulset:shop/orders-db',
    ]);
    // nodes breadth-first from the focus, edges grouped by source in that order
    expect(graph.edges).toEqual([
      { source: 'statefulset:shop/orders-db', target: 'secret:shop/orders-db-creds', type: 'dependsOn', inferred: true },
      { source: 'deployment:shop/api', target: 'statefulset:shop/orders-db', type: 'dependsOn', inferred: false },
      { source: 'deployment:shop/api', target: 'secret:shop/orders-db-creds', type: 'dependsOn', inferred: true },
      { source: 'service:shop/orders-db', target: 'statefulset:shop/orders-db', type: 'dependsOn', inferred: true },
    ]);
  });

  it('draws dot with dashed inferred edges and mermaid with safe ids', async () => {
    const dot = await runCli(['graph', '--repo', repo, '--focus', 'configmap:shop/frontend-config', '--depth', '1', '-o', 'dot']);
    expect(dot.stdout).toBe(
      [
        'digraph plumb {',
        '  rankdir=LR;',
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  "configmap:shop/frontend-config" [label="ConfigMap\\nshop/frontend-config"];',
        '  "deployment:shop/frontend" [label="Deployment\\nshop/frontend"];',
        '  "deployment:shop/frontend" -> "configmap:shop/frontend-config" [label="dependsOn", style=dashed];',
        '}',
        '',
      ].join('\n'),
    );
    const mermaid = await runCli(['graph', '--repo', repo, '--focus', 'box:shop/storefront', '--depth', '1', '-o', 'mermaid']);
    expect(mermaid.stdout).toBe(['flowchart LR', '  n0["Box<br/>shop/storefront"]', '  n1["Ingress<br/>shop/web"]', '  n0 -->|dependsOn| n1', ''].join('\n'));
  });

  it('refuses an unknown focus with a did-you-mean, and --depth without --focus, exit 1 without a stack', async () => {
    const unknown = await runCli(['graph', '--repo', repo, '--focus', 'service:shop/ap']);
    expect(unknown.stderr).toBe('error: there is no service:shop/ap in the inventory\n  hint: did you mean service:shop/api?\n');
    // stdout is JSON by default, so the refusal is JSON there too (schemas/failure-output.schema.json)
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      ok: false,
      command: 'graph',
      diagnostics: [{ code: 'graph.unknown-ref', hint: 'did you mean service:shop/api?' }],
    });
    expect(unknown.code).toBe(1);
    const usage = await runCli(['graph', '--repo', repo, '--depth', '2', '-o', 'dot']);
    expect(usage).toEqual({
      code: 1,
      stdout:
        'digraph plumb {\n  // plumb graph could not be computed:\n  // error [cli.usage] --depth needs --focus (add --focus REF, or drop --depth to print the whole graph)\n}\n',
      stderr: 'error: --depth needs --focus\n  hint: add --focus REF, or drop --depth to print the whole graph\n',
    });
  });

  it('still prints what could be interpreted when validation fails, and exits 1', async () => {
    const { code, stdout, stderr } = await runCli(['graph', '--repo', fixture('validate-relation-cycle')]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).nodes).toHaveLength(5);
    expect(stderr).toBe(
      [
        'error: the inventory has 2 validation errors; the graph holds what could be interpreted',
        '  inventory/bad.yaml:6:5  relation.cycle  dependsOn cycle: app:default/a → app:default/b → app:default/c → app:default/a',
        '  inventory/zz-other.yaml:13:13  ref.unresolved  reference "box:ghost" does not resolve: there is no box:default/ghost',
        '  hint: run `plumb validate` for details',
        '',
      ].join('\n'),
    );
  });
});
