import { appendFile, readFile } from 'node:fs/promises';
import { scrubText } from '../redact/scrubber.js';
import { dirname } from 'node:path';
import type { AuditLog, AuditRecord } from './types.js';
import { makeDirectory } from '../model/make-directory.js';

/**
 * The append-only audit log, one JSON record per line. Each record is one
 * `appendFile` (O_APPEND) of a line well under the size the kernel writes
 * atomically, so concurrent runs on different targets never interleave. A
 * torn last line (a crash mid-write) is skipped on read, not fatal.
 */
export function createJsonlAuditLog(file: string): AuditLog {
  return {
    async append(record: AuditRecord): Promise<void> {
      await makeDirectory(dirname(file));
      await appendFile(file, scrubText(JSON.stringify(record)) + '\n', { mode: 0o600 });
    },
    async read(): Promise<AuditRecord[]> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const records: AuditRecord[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          records.push(JSON.parse(line) as AuditRecord);
        } catch {
          // a torn line from an interrupted write
        }
      }
      return records;
    },
  };
}

/** An audit log in memory, for tests and embedders that ship records elsewhere. */
export function createMemoryAuditLog(records: AuditRecord[] = []): AuditLog & { readonly records: AuditRecord[] } {
  return {
    records,
    async append(record) {
      records.push(record);
    },
    async read() {
      return [...records];
    },
  };
}
