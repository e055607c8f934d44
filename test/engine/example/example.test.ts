/**
 * The bundled example (inventory/, policies/) is what `npm start` and the README
 * tour run on, and what many tests lean on. These tests pin down what it claims
 * to be: a believable CMDB of a small online shop that exercises every relation
 * type, a redundancy group and a minUp threshold, and that validates cleanly.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DirectedGraph } from 'graphology';
import { hasCycle } from 'graphology-dag';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { RELATION_TYPES } from '../../../engine/model/relations.js';
import { ROOT, isKubernetes, readAll, readDocs, readText, readYaml, resolveRef, writtenRelations, yamlFiles } from './read-example.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const inventory = readDocs('inventory');
const ids = new Set(inventory.map((d) => d.id));
const relations = inventory.flatMap(writtenRelations);
const byId = new Map(inventory.map((d) => [d.id, d.doc]));

describe('the bundled example inventory', () => {
  it('holds 71 CIs, between 40 and 80, in several files, several of them multi-document', () => {
    const perFile = new Map<string, number>();
    for (const d of inventory) perFile.set(d.file, (perFile.get(d.file) ?? 0) + 1);
    expect(inventory).toHaveLength(71);
    expect(ids.size).toBe(inventory.length);
    expect(perFile.size).toBeGreaterThanOrEqual(10);
    expect([...perFile.values()].filter((n) => n > 1).length).toBeGreaterThanOrEqual(5);
  });

  it('covers the kinds of a shop, from business services down to Kubernetes objects', () => {
    const kinds: Record<string, number> = {};
    for (const d of inventory) kinds[d.doc.kind] = (kinds[d.doc.kind] ?? 0) + 1;
    expect(kinds).toEqual({
      Application: 8,
      BackupPolicy: 3,
      BusinessService: 7,
      Cluster: 1,
      Database: 7,
      Endpoint: 4,
      File: 2,
      Group: 7,
      Host: 12,
      ConfigMap: 3,
      Deployment: 6,
      HorizontalPodAutoscaler: 1,
      Ingress: 1,
      Namespace: 1,
      PersistentVolumeClaim: 1,
      Secret: 1,
      Service: 5,
      ServiceAccount: 1,
    });
  });

  it('uses every relation type of the model', () => {
    expect(new Set(relations.map((r) => r.type))).toEqual(new Set(RELATION_TYPES.map((t) => t.type)));
  });

  it('has no dangling references, in relations or owners', () => {
    const owners = inventory
      .filter((d) => d.doc.metadata.owner)
      .map((d) => ({ from: d.id, targetId: resolveRef(d.doc.metadata.owner, d.doc.metadata.namespace ?? 'default') }));
    expect([...relations, ...owners].filter((r) => !ids.has(r.targetId))).toEqual([]);
  });

  it('has a redundancy group: two payment providers that payments depends on', () => {
    const alternatives = relations.filter((r) => r.type === 'alternativeTo').map((r) => [r.from, r.targetId]);
    expect(alternatives).toEqual([['endpoint:shop/psp-adyen', 'endpoint:shop/psp-stripe']]);
    const paymentDeps = relations.filter((r) => r.from === 'application:shop/payment-service' && r.type === 'dependsOn').map((r) => r.targetId);
    expect(paymentDeps).toEqual(expect.arrayContaining(['endpoint:shop/psp-stripe', 'endpoint:shop/psp-adyen']));
  });

  it('has partOf and memberOf targets with minUp below their member count', () => {
    const groups = new Map<string, string[]>();
    for (const r of relations.filter((r) => r.type === 'partOf' || r.type === 'memberOf')) groups.set(r.targetId, [...(groups.get(r.targetId) ?? []), r.from]);
    const thresholds = [...groups].map(([target, members]) => ({ target, members: members.length, minUp: byId.get(target)?.spec?.minUp }));
    expect(thresholds).toEqual([
      { target: 'cluster:default/shop-k8s', members: 3, minUp: 2 },
      { target: 'application:shop/storefront', members: 3, minUp: 2 },
    ]);
  });

  it('has no cycles except through connectsTo and alternativeTo', () => {
    const graph = new DirectedGraph();
    for (const id of ids) graph.addNode(id);
    for (const r of relations.filter((r) => r.type !== 'connectsTo' && r.type !== 'alternativeTo')) graph.mergeEdge(r.from, r.targetId);
    expect(hasCycle(graph)).toBe(false);
    const replication = relations.filter((r) => r.type === 'connectsTo').map((r) => [r.from, r.targetId]);
    expect(replication).toEqual([
      ['database:shop/orders-db', 'database:shop/orders-db-replica'],
      ['database:shop/orders-db-replica', 'database:shop/orders-db'],
    ]);
  });

  it('labels every CI but the groups with env (prod or staging) and tier (1, 2 or 3)', () => {
    const unlabelled = inventory
      .filter((d) => d.doc.kind !== 'Group')
      .filter((d) => !['prod', 'staging'].includes(d.doc.metadata.labels?.env) || !['1', '2', '3'].includes(d.doc.metadata.labels?.tier));
    expect(unlabelled.map((d) => d.id)).toEqual([]);
    expect(inventory.filter((d) => d.doc.metadata.labels?.env === 'staging').map((d) => d.id)).toEqual([
      'host:shop/staging-host-1',
      'database:shop/catalog-db-staging',
      'application:shop/catalog-staging',
    ]);
  });

  it('gives every prod CI an owner and every prod database a backup policy', () => {
    const prod = inventory.filter((d) => d.doc.metadata.labels?.env === 'prod');
    const owned = (id: string, doc: Record<string, any>) => doc.metadata.owner || relations.some((r) => r.from === id && r.type === 'ownedBy');
    expect(prod.filter((d) => !owned(d.id, d.doc)).map((d) => d.id)).toEqual([]);
    const unprotected = prod.filter((d) => d.doc.kind === 'Database' && !relations.some((r) => r.from === d.id && r.type === 'backedUpBy'));
    expect(unprotected.map((d) => d.id)).toEqual([]);
  });

  it('validates every plumb CI against its kind schema in schemas/', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    ajv.addKeyword('x-plumb-secret');
    ajv.addSchema(readYaml('schemas/capacity.schema.json'));
    const failures = inventory
      .filter((d) => !isKubernetes(d.doc))
      .flatMap((d) => {
        const validate = ajv.getSchema(`https://plumb.io/schemas/${d.doc.kind}.schema.json`) ?? ajv.compile(readYaml(`schemas/${d.doc.kind}.schema.json`));
        return validate(d.doc) ? [] : [{ id: d.id, errors: validate.errors }];
      });
    expect(failures).toEqual([]);
  });

  it('reads the same under a YAML 1.1 parser (js-yaml) as under YAML 1.2 (yaml)', () => {
    const files = ['plumb.yaml', 'observed/snapshot.yaml', ...yamlFiles('inventory'), ...yamlFiles('policies')];
    const differing = files.filter((file) => {
      const text = readText(file);
      const viaJsYaml = JSON.parse(JSON.stringify(jsyaml.loadAll(text)));
      const viaYaml = readAll(file);
      return JSON.stringify(viaJsYaml) !== JSON.stringify(viaYaml);
    });
    expect(differing).toEqual([]);
  });

  it('is valid for plumb itself: loading and validating the repository gives no errors', async () => {
    // Written before engine/load and engine/validate existed; required now that they do.
    expect(existsSync(join(ROOT, 'engine/load/load-repository.ts')) && existsSync(join(ROOT, 'engine/validate/validate.ts'))).toBe(true);
    const { loadRepository } = await import('../../../engine/load/load-repository.js');
    const { validateRepository } = await import('../../../engine/validate/validate.js');
    const { toolPath } = await import('../../../engine/render/tools.js');
    const repo = await loadRepository({ repo: ROOT });
    const { graph, diagnostics } = validateRepository(repo);
    // apps/ (a Kustomize base and its prod overlay) and charts/ (a Helm chart) render
    // with the tools when they are installed (CI builds them); without them they are
    // left out with a warning (plumb.yaml render.onMissingTool: warn), so npm start works
    const units = { kustomize: ['deployment:shop/newsletter', 'service:shop/newsletter'], helm: ['deployment:shop/status-page', 'service:shop/status-page'] };
    const present = (['kustomize', 'helm'] as const).filter((t) => toolPath(t) !== undefined);
    const rendered = present.flatMap((t) => units[t]);
    expect(diagnostics.map((d) => d.code)).toEqual(Array(2 - present.length).fill('render.tool-missing'));
    expect(repo.cis.map((c) => c.id).sort()).toEqual([...ids, ...rendered].sort());
    expect(graph.order).toBe(71 + rendered.length);
  });
});
