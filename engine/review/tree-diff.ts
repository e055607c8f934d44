import { execFile } from 'node:child_process';
import { SKIPPED_DIRECTORIES } from '../load/file-source.js';
import { recordsNotUtf8 } from '../load/list-tree.js';

/** One path that differs between two revisions: its blob id on each side (absent: no file there). */
export interface TreeChange {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  /** A symbolic link on either side (plumb reads no links from revisions: the loader skips them with a warning). */
  readonly link: boolean;
  /** The path's bytes are not UTF-8 (shown with U+FFFD): the full review reports it (`load.not-utf8`), the index cannot. */
  readonly notUtf8?: boolean;
}

/** Modes of `git diff-tree --raw`: a symbolic link, a submodule (a commit, not a file: never listed). */
const LINK_MODE = '120000';
const GITLINK_MODE = '160000';

/**
 * In one `git rev-parse`: the commit ids of `base` and `head` and the tree id
 * of the plumb repository at `root` in `base` (revision-index.ts `treeOf`).
 * Undefined when git cannot resolve one of them (no git, an unknown revision,
 * no such directory in `base`): the full review then says why.
 */
export function resolveRevisions(root: string, base: string, head: string): Promise<{ base: string; head: string; baseTree: string } | undefined> {
  // --revs-only: what is not a revision (an option-like name, --end-of-options itself, which git 2.39 echoes) prints nothing, so three ids or a miss
  const args = ['-C', root, 'rev-parse', '--revs-only', '--end-of-options', `${base}^{commit}`, `${head}^{commit}`, `${base}:./`];
  return new Promise((resolve) =>
    execFile('git', args, { encoding: 'utf8' }, (error, stdout) => {
      const lines = String(stdout).trim().split('\n');
      const [b, h, t] = lines;
      resolve(error || lines.length !== 3 || !lines.every((l) => ID.test(l)) ? undefined : { base: b, head: h, baseTree: t });
    }),
  );
}

/** A full SHA-1 or SHA-256 object id. */
const ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The files that differ between revisions `base` and `head` of the plumb
 * repository at `root` (its directory only, paths relative to it), from
 * `git diff-tree -r`: Git compares the two trees and descends only into
 * subtrees whose ids differ, so the cost follows the change — listing both
 * trees (`git ls-tree -r`) reads every entry of each. Paths under `.git` or
 * `node_modules` are left out, as the readers leave them out. Undefined when
 * git cannot compare them (no git, an unknown revision).
 */
export function diffTrees(root: string, base: string, head: string): Promise<TreeChange[] | undefined> {
  const args = [
    '-C',
    root,
    '--literal-pathspecs',
    'diff-tree',
    '-r',
    '-z',
    '--raw',
    '--no-renames',
    '--no-abbrev',
    '--relative',
    '--end-of-options',
    base,
    head,
  ];
  return new Promise((resolve) =>
    execFile('git', args, { maxBuffer: 1 << 30, encoding: 'buffer' }, (error, stdout) =>
      resolve(error ? undefined : parseRaw(stdout.toString('utf8'), recordsNotUtf8(stdout))),
    ),
  );
}

/** `:oldmode newmode oldid newid status\0path\0`, repeated (-z, no renames: one path per record). */
function parseRaw(raw: string, notUtf8: ReadonlySet<number>): TreeChange[] | undefined {
  const fields = raw.split('\0');
  const out: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i].replace(/^\n/, '');
    if (!meta.startsWith(':')) return undefined;
    const [oldMode, newMode, oldId, newId] = meta.slice(1).split(' ');
    const path = fields[i + 1];
    if (path.split('/').some((s) => SKIPPED_DIRECTORIES.has(s))) continue;
    const present = (mode: string, id: string) => (/^0+$/.test(id) || mode === GITLINK_MODE ? undefined : id);
    const before = present(oldMode, oldId);
    const after = present(newMode, newId);
    if (before === undefined && after === undefined) continue;
    out.push({
      path,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      link: oldMode === LINK_MODE || newMode === LINK_MODE,
      ...(notUtf8.has(i + 1) ? { notUtf8: true } : {}),
    });
  }
  return out;
}
