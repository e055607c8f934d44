/**
 * Runs `fn` over `items` at most `size` at a time, results in input order. A
 * backup of a whole 100k-CI wave must not open 100k files at once (EMFILE);
 * 64 in flight keeps the disk busy without that risk.
 */
export async function inBatches<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, size = 64): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)))));
  }
  return out;
}
