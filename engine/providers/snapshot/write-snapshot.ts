import { stringify } from 'yaml';
import type { SnapshotFile } from './read-snapshot.js';

/** The snapshot document as plain data, in the order of schemas/snapshot.schema.json. */
export function snapshotDocument(snapshot: SnapshotFile): Record<string, unknown> {
  return {
    apiVersion: 'plumb.io/v1',
    kind: 'Snapshot',
    metadata: snapshot.metadata,
    objects: snapshot.objects,
    ...(snapshot.owned && Object.keys(snapshot.owned).length ? { owned: snapshot.owned } : {}),
  };
}

/** Renders a snapshot as YAML (`.json` paths: JSON), as `plumb discover` writes it. */
export function renderSnapshot(snapshot: SnapshotFile, format: 'yaml' | 'json'): string {
  const doc = snapshotDocument(snapshot);
  return format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}
