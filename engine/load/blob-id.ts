import { createHash } from 'node:crypto';

/**
 * The Git blob id of some bytes: sha1 of `blob <length>\0` followed by the bytes.
 * Work-tree files are hashed the same way Git hashes them, so a file's hash is
 * the same whether it was read from the work tree or from a revision — one
 * content key for parse caches and plan fingerprints.
 */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}
