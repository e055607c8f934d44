import type { Diagnostic } from '../model/diagnostic.js';
import { gitBlobId } from './blob-id.js';
import { decodeUtf8 } from '../yaml/decode-utf8.js';
import type { FileSource, SourceFile } from './file-source.js';

/** Reads in flight when the source does not say (FileSource.readConcurrency). */
const DEFAULT_CONCURRENCY = 64;

export interface ReadResult {
  readonly path: string;
  /** Git blob id of the bytes (from the source when it knows it, else computed). */
  readonly hash?: string;
  readonly text?: string;
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads files and decodes them as UTF-8, refusing oversized ones before
 * reading them when the source knows their size (stat / git object size), and
 * after reading otherwise. Results come back in the order of `files`, whatever
 * order the reads complete in, so everything downstream is deterministic.
 * With `onRead`, each result is handed to it as it is read, and the results
 * returned hold no text.
 */
export async function readTextFiles(
  source: FileSource,
  files: readonly SourceFile[],
  maxFileBytes: number,
  onRead?: (result: ReadResult, index: number) => void,
): Promise<ReadResult[]> {
  const results: ReadResult[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const result = await readOne(source, files[index], maxFileBytes);
      if (!onRead) {
        results[index] = result;
        continue;
      }
      onRead(result, index);
      // the caller has the text: kept here, every file's would stay until the last is read (33 MB at 100k CIs, past a full GC)
      const { text: _text, ...rest } = result;
      results[index] = rest;
    }
  };
  await Promise.all(Array.from({ length: Math.min(source.readConcurrency ?? DEFAULT_CONCURRENCY, files.length) }, worker));
  return results;
}

async function readOne(source: FileSource, file: SourceFile, maxFileBytes: number): Promise<ReadResult> {
  if (file.size !== undefined && file.size > maxFileBytes) return tooLarge(file.path, file.size, maxFileBytes, file.oid);
  const bytes = await source.read(file.path);
  if (!bytes) return { path: file.path, diagnostics: [] }; // vanished between list and read
  const hash = file.oid ?? gitBlobId(bytes);
  if (bytes.byteLength > maxFileBytes) return tooLarge(file.path, bytes.byteLength, maxFileBytes, hash);
  const decoded = decodeUtf8(bytes, file.path);
  if ('diagnostic' in decoded) return { path: file.path, hash, diagnostics: [decoded.diagnostic] };
  return { path: file.path, hash, text: decoded.text, diagnostics: [] };
}

function tooLarge(path: string, size: number, max: number, hash?: string): ReadResult {
  return {
    path,
    ...(hash === undefined ? {} : { hash }),
    diagnostics: [
      {
        severity: 'error',
        code: 'load.file-too-large',
        message: `file is ${size} bytes, more than the limit of ${max}; it was not read`,
        hint: 'split it into smaller files, or raise limits.maxFileBytes in plumb.yaml',
        file: path,
        line: 1,
        column: 1,
      },
    ],
  };
}
