import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { LineCounter } from 'yaml';
import snapshotSchema from '../../../schemas/snapshot.schema.json' with { type: 'json' };
import { compileSchema } from '../../json-schema/compile-schema.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { unescapePointerToken } from '../../model/json-pointer.js';
import { loadYamlLimited, YamlLoadError } from '../../load/limited-yaml.js';
import { COMPLEX_KEY_HINT, yamlDocument } from '../../yaml/yaml-documents.js';
import { parseJsonStreamInPieces } from './parse-json-pieces.js';

export interface SnapshotFile {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly objects: readonly Record<string, unknown>[];
  /** Identity → JSON Pointers of the fields plumb alone owned when the object was recorded (ObservedObject.owned). */
  readonly owned?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Reads and validates a snapshot file (YAML or JSON). The fast parser reads it
 * (js-yaml: a 100k-object snapshot must not take the `yaml` package's 30 s);
 * only when the schema rejects it is it parsed again with `yaml` to place each
 * error at its file:line:column.
 *
 * YAML goes through loadYamlLimited: the inventory's alias limit applies to
 * snapshots too (a 700-byte alias bomb once took 2.1 GB here).
 *
 * @param file the path shown in diagnostics (repository-relative when it can be).
 * @param options.maxAliases plumb.yaml `limits.maxAliases` (default 100)
 */
export async function readSnapshot(
  path: string,
  file: string,
  options: { maxAliases?: number } = {},
): Promise<{ snapshot?: SnapshotFile; diagnostics: Diagnostic[] }> {
  const json = path.endsWith('.json');
  // JSON is parsed a piece at a time as it is read (parse-json-pieces.ts: neither the 37 MB file nor a 37 MB string of it
  // at 100k objects, either of which stayed until the next full GC); read whole only for YAML, for a document the pieces
  // do not take, and to place an error — from the same open file, so what is placed is what was parsed
  let fd: number | undefined;
  let bytes: Buffer | undefined;
  try {
    if (json) {
      fd = openSync(path, 'r');
      if (!fstatSync(fd).isFile()) {
        closeSync(fd);
        fd = undefined;
      }
    }
    if (fd === undefined) bytes = await readFile(path);
  } catch (e) {
    return unreadable(e, file);
  }
  try {
    return parseSnapshot(fd === undefined ? () => bytes! : () => (bytes ??= readWhole(fd!)), fd === undefined ? undefined : piecesOf(fd), path, file, options);
  } catch (e) {
    // the file read again whole (to parse or place an error) failed
    if (typeof (e as NodeJS.ErrnoException).syscall === 'string') return unreadable(e, file);
    throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unreadable(e: unknown, file: string): { diagnostics: Diagnostic[] } {
  const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
  return {
    diagnostics: [
      {
        severity: 'error',
        code: missing ? 'snapshot.not-found' : 'snapshot.unreadable',
        file,
        message: missing ? `snapshot file ${file} does not exist` : `snapshot file ${file} cannot be read (${(e as NodeJS.ErrnoException).code})`,
        hint: missing ? 'record one with `plumb discover -o yaml > ' + file + "`, or fix the target's path in plumb.yaml" : "check the file's permissions",
      },
    ],
  };
}

function parseSnapshot(
  whole: () => Buffer,
  pieces: unknown,
  path: string,
  file: string,
  options: { maxAliases?: number },
): { snapshot?: SnapshotFile; diagnostics: Diagnostic[] } {
  let decoded: string | undefined;
  const text = () => (decoded ??= whole().toString('utf8'));
  let data: unknown;
  try {
    data = path.endsWith('.json') ? (pieces ?? JSON.parse(text())) : loadYamlLimited(text(), { maxAliases: options.maxAliases });
  } catch (e) {
    if (e instanceof YamlLoadError && e.code === 'yaml.alias-limit') {
      return {
        diagnostics: [
          {
            severity: 'error',
            code: 'snapshot.alias-limit',
            file,
            line: e.line,
            column: e.column,
            message: `snapshot ${file} ${e.message}`,
            hint: 'a recorded snapshot has no aliases: record it again with `plumb discover`, or raise limits.maxAliases in plumb.yaml',
          },
        ],
      };
    }
    if (e instanceof YamlLoadError && e.code === 'yaml.complex-key') {
      return {
        diagnostics: [
          { severity: 'error', code: e.code, file, line: e.line, column: e.column, message: `snapshot ${file}: ${e.message}`, hint: COMPLEX_KEY_HINT },
        ],
      };
    }
    const where = e instanceof YamlLoadError ? { line: e.line, column: e.column } : jsonPosition(text(), e);
    const reason = e instanceof YamlLoadError ? e.message : (e as Error).message.split('\n')[0].toLowerCase();
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'snapshot.syntax',
          file,
          ...where,
          message: `snapshot ${file} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`,
          hint: 'fix the syntax, or record the snapshot again with `plumb discover`',
        },
      ],
    };
  }
  const validate = compileSchema('snapshot', snapshotSchema);
  if (!validate(data)) return { diagnostics: placeErrors(text(), file, validate.errors ?? []) };
  const s = data as { metadata?: Record<string, unknown>; objects: Record<string, unknown>[]; owned?: Record<string, string[]> };
  return { snapshot: { metadata: s.metadata ?? {}, objects: s.objects, ...(s.owned ? { owned: s.owned } : {}) }, diagnostics: [] };
}

/**
 * The open file parsed in pieces as it is read (parseJsonStreamInPieces), or
 * undefined when they do not take the document apart (JSON.parse of a piece
 * threw: the whole parse says where). Reads by position, so the file can be
 * read again whole from its start.
 */
function piecesOf(fd: number): unknown {
  let position = 0;
  try {
    return parseJsonStreamInPieces((buffer, offset, length) => {
      const n = readSync(fd, buffer, offset, length, position);
      position += n;
      return n;
    });
  } catch {
    return undefined;
  }
}

/** The open file's bytes from its start. */
function readWhole(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let position = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(1 << 20);
    const n = readSync(fd, chunk, 0, chunk.length, position);
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, n));
    position += n;
  }
}

function placeErrors(
  text: string,
  file: string,
  errors: readonly { instancePath: string; message?: string; params?: Record<string, unknown> }[],
): Diagnostic[] {
  const lines = new LineCounter();
  const doc = yamlDocument(text, { uniqueKeys: false, lineCounter: lines });
  return errors.map((err) => {
    const path = err.instancePath.split('/').slice(1).map(unescapePointerToken);
    let node: unknown;
    for (let n = path.length; n >= 0 && !node; n--) node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const offset = (node as { range?: [number, number] } | undefined)?.range?.[0] ?? 0;
    const pos = lines.linePos(offset);
    const extra =
      err.params?.allowedValue !== undefined
        ? ` (${JSON.stringify(err.params.allowedValue)})`
        : err.params?.additionalProperty
          ? ` (${err.params.additionalProperty})`
          : '';
    return {
      severity: 'error' as const,
      code: 'snapshot.invalid',
      file,
      line: pos.line,
      column: pos.col,
      message: `snapshot ${err.instancePath || '/'} ${err.message ?? 'is invalid'}${extra}`,
      hint: 'a snapshot is `{apiVersion: plumb.io/v1, kind: Snapshot, objects: [...]}` (schemas/snapshot.schema.json)',
    };
  });
}

/** 1-based line and column of a JSON.parse error (`… at position N`), or 1:1. */
function jsonPosition(text: string, e: unknown): { line: number; column: number } {
  const m = /position (\d+)/.exec((e as Error).message);
  if (!m) return { line: 1, column: 1 };
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return { line, column: Number(m[1]) - before.lastIndexOf('\n') };
}
