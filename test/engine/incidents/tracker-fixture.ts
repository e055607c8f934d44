import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphOf } from '../impact/graph-fixture.js';

/**
 * A small shop: the public API endpoint serves the storefront app, which the
 * critical `webshop` business service depends on; the `partners` service
 * (medium) joins in the graph of a later revision.
 */
export const EDGES = [
  'application:shop/storefront dependsOn endpoint:shop/api-public',
  'businessservice:shop/webshop dependsOn application:shop/storefront',
  'application:shop/reports dependsOn endpoint:shop/metrics',
];
export const SPECS = {
  'businessservice:shop/webshop': { spec: { criticality: 'critical' } },
  'businessservice:shop/partners': { spec: { criticality: 'medium' } },
};

export const shopGraph = () => graphOf(EDGES, SPECS);
export const shopGraphWithPartners = () => graphOf([...EDGES, 'businessservice:shop/partners consumesApi endpoint:shop/api-public'], SPECS);

export function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'plumb-incidents-'));
}

export const at = (minute: number): Date => new Date(Date.UTC(2026, 0, 5, 9, minute, 0));
