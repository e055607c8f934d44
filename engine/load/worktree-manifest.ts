import { realpathSync } from 'node:fs';
import type { ContentCache } from '../cache/content-cache.js';
import type { SourceFile } from './file-source.js';

/** Namespace of the work-tree manifests in the content cache (one entry per repository root). */
const MANIFEST_NAMESPACE = 'worktree';

/**
 * A file changed less than this long before the manifest was taken is hashed
 * again on the next run ("racily clean" in Git's terms): a write within the
 * same timestamp tick as the stat recorded would leave size, mtime and ctime
 * as they were. Two seconds cover the coarsest timestamps in use (FAT's 2 s;
 * ext3, HFS+ and some network file systems have 1 s).
 */
export const RACY_MS = 2_000;

/** What the manifest keeps per path: the file's stat stamp when it was hashed, and its Git blob id. */
type ManifestEntry = readonly [fingerprint: string, blob: string];

interface StoredManifest {
  /** When the files were listed (ms since the epoch), before any was read. */
  readonly listedAt: number;
  readonly files: readonly (readonly [path: string, fingerprint: string, blob: string])[];
}

/**
 * The work tree's stat manifest, like Git's index: per path, the stat stamp
 * (device, inode, mode, size, mtime and ctime in nanoseconds) a file had when
 * it was last hashed, and its blob id. A file whose stamp is unchanged, and
 * which had not changed for {@link RACY_MS} before that manifest was taken, has
 * the same content: its blob id is taken from the manifest and the file is
 * neither read nor hashed (its parse then comes from the content cache).
 *
 * Kept in the content cache (authenticated like every entry, so a planted
 * manifest is a miss), keyed by the repository root's real path; written only
 * when it changes, by rename, so concurrent runs see one whole manifest or the
 * other, each true. Any doubt is a miss: the file is read and hashed.
 *
 * What it cannot see: a file rewritten with the
 * same size while the clock is set back, or on a network file system whose
 * server clock runs more than RACY_MS behind this machine's, within the same
 * timestamp tick; ctime, which no user can set, makes the first need root.
 */
export class WorktreeManifest {
  private readonly previous: ReadonlyMap<string, ManifestEntry>;
  private readonly previousAt: number;
  private readonly key: string | undefined;
  /** When this run listed the work tree; set by {@link listing}. */
  private listedAt = 0;
  private changed = false;

  constructor(
    private readonly cache: ContentCache | undefined,
    root: string,
  ) {
    let key: string | undefined;
    try {
      key = cache ? realpathSync(root) : undefined;
    } catch {
      key = undefined;
    }
    this.key = key;
    const stored = key ? cache?.get<StoredManifest>(MANIFEST_NAMESPACE, key) : undefined;
    const valid = stored && typeof stored.listedAt === 'number' && Array.isArray(stored.files);
    this.previousAt = valid ? stored.listedAt : 0;
    this.previous = new Map(valid ? stored.files.filter((f) => Array.isArray(f) && f.length === 3).map(([p, fp, b]) => [p, [fp, b] as const]) : []);
  }

  /** Call just before the work tree is listed: what changes after this instant is not trusted next time. */
  listing(now = Date.now()): void {
    this.listedAt = now;
  }

  /** The blob id the manifest vouches for (same stamp, not racy), or undefined: read and hash the file. */
  blobOf(file: SourceFile): string | undefined {
    const stamp = file.stat;
    if (!stamp) return undefined;
    const entry = this.previous.get(file.path);
    if (!entry || entry[0] !== stamp.fingerprint || stamp.changedMs >= this.previousAt - RACY_MS) return undefined;
    return entry[1];
  }

  /**
   * Writes the manifest of this run's files (path → stamp and the blob id
   * loaded), unless it is the one already stored. `blobOf` gives the blob id
   * each was loaded as (undefined: not loaded, left out).
   */
  save(files: readonly SourceFile[], blobOf: (path: string) => string | undefined): void {
    if (!this.cache || !this.key || !this.listedAt) return;
    const out: [string, string, string][] = [];
    for (const f of files) {
      const blob = blobOf(f.path);
      if (!f.stat || blob === undefined) continue;
      const before = this.previous.get(f.path);
      // a racy entry is written as it is, and trusted only once a later manifest shows it settled
      if (!before || before[0] !== f.stat.fingerprint || before[1] !== blob || f.stat.changedMs >= this.previousAt - RACY_MS) this.changed = true;
      out.push([f.path, f.stat.fingerprint, blob]);
    }
    if (!this.changed && out.length === this.previous.size) return;
    this.cache.set(MANIFEST_NAMESPACE, this.key, { listedAt: this.listedAt, files: out } satisfies StoredManifest);
  }
}
