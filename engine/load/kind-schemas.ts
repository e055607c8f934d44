import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { decodeUtf8 } from '../yaml/decode-utf8.js';
import type { FileSource } from './file-source.js';
import type { KindSchema } from './types.js';
import { isPlainObject } from '../model/plain-object.js';

/**
 * `<Kind>.schema.json`: kind schemas start with an uppercase letter, which keeps
 * config.schema.json, policy.schema.json and plan.schema.json out.
 */
const KIND_SCHEMA_FILE = /^([A-Z][A-Za-z0-9]*)\.schema\.json$/;

/**
 * The kind schemas in force: plumb's built-in ones, then the repository's own
 * from its `schemas` directory (read through the source, so `--rev` sees that
 * revision's schemas). A repository schema replaces a built-in one of the same
 * kind.
 */
export async function loadKindSchemas({
  builtinDir,
  source,
  schemasDir,
  onFileRead,
}: {
  builtinDir: string;
  source: FileSource;
  schemasDir: string;
  onFileRead?: (path: string, bytes: Uint8Array, oid?: string) => void;
}): Promise<{ schemas: Map<string, KindSchema>; diagnostics: Diagnostic[] }> {
  const schemas = new Map<string, KindSchema>();
  const diagnostics: Diagnostic[] = [];

  const builtinNames = await readdir(builtinDir).catch(() => [] as string[]);
  for (const name of builtinNames.sort()) {
    const kind = KIND_SCHEMA_FILE.exec(name)?.[1];
    if (!kind) continue;
    const text = await readFile(join(builtinDir, name), 'utf8');
    const parsed = parseSchema(text, `builtin:${kind}`);
    if ('schema' in parsed) schemas.set(kind, { kind, schema: parsed.schema, file: `builtin:${kind}` });
    else diagnostics.push(parsed.diagnostic);
  }

  const { files, diagnostics: listed } = await source.list([schemasDir]);
  diagnostics.push(...listed);
  for (const file of files) {
    const relative = schemasDir ? file.path.slice(schemasDir.length + 1) : file.path;
    const kind = relative.includes('/') ? undefined : KIND_SCHEMA_FILE.exec(relative)?.[1];
    if (!kind) continue;
    const bytes = await source.read(file.path);
    if (!bytes) continue;
    onFileRead?.(file.path, bytes, file.oid);
    const decoded = decodeUtf8(bytes, file.path);
    if ('diagnostic' in decoded) {
      diagnostics.push(decoded.diagnostic);
      continue;
    }
    const parsed = parseSchema(decoded.text, file.path);
    if ('schema' in parsed) schemas.set(kind, { kind, schema: parsed.schema, file: file.path });
    else diagnostics.push(parsed.diagnostic);
  }
  return { schemas, diagnostics };
}

function parseSchema(text: string, file: string): { schema: Record<string, unknown> } | { diagnostic: Diagnostic } {
  try {
    const schema = JSON.parse(text) as unknown;
    if (isPlainObject(schema)) return { schema };
    return { diagnostic: invalidSchema(file, 'a kind schema must be a json object', 1, 1) };
  } catch {
    const position = jsonErrorOffset(text);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return { diagnostic: invalidSchema(file, 'kind schema is not valid json', line, column) };
  }
}

/**
 * Offset of the first character JSON.parse rejects (Node 20's messages carry no
 * position): the shortest prefix that fails for a reason other than ending too
 * early, found by bisection.
 */
function jsonErrorOffset(text: string): number {
  const failsInside = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (e) {
      const message = String((e as Error).message);
      const position = /at position (\d+)/.exec(message);
      return !/end of json input/i.test(message) && !(position && Number(position[1]) >= length);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid)) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo - 1);
}

function invalidSchema(file: string, message: string, line: number, column: number): Diagnostic {
  return {
    severity: 'error',
    code: 'load.schema-invalid',
    message,
    hint: 'fix the json of the schema file; the kind has no schema until then',
    file,
    line,
    column,
  };
}
