import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plumbPackageDir } from '../config/package-dir.js';

let schema: Record<string, unknown> | undefined;

/** schemas/capacity.schema.json, read once: the `capacity:` list kind schemas `$ref` by its $id. */
export function capacitySchema(): Record<string, unknown> {
  return (schema ??= JSON.parse(readFileSync(join(plumbPackageDir(), 'schemas', 'capacity.schema.json'), 'utf8')) as Record<string, unknown>);
}
