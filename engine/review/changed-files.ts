/**
 * The files a pull request touched: those whose content hash (the Git blob
 * id the loader records in `LoadedRepository.files`) differs between base and
 * head, or that exist on one side only. A CI can only have changed if it is
 * written in one of them — on either side, which covers a CI moved from one
 * file to another. Everything else is identical by construction and is not
 * compared, so a review costs what the change costs, not what the repository
 * holds.
 */
export function changedFiles(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [path, blob] of head) if (base.get(path) !== blob) out.add(path);
  for (const path of base.keys()) if (!head.has(path)) out.add(path);
  return out;
}
