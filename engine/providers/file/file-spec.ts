/**
 * The `spec` of a File CI:
 *
 * ```yaml
 * kind: File
 * spec:
 *   path: etc/motd          # relative to the target's first root, or absolute inside a root
 *   ensure: present         # present (default) | absent: absent deletes it
 *   type: file              # file (default) | directory
 *   content: "hello\n"      # files only; UTF-8 text
 *   secretContent: "..."    # instead of content when the file holds secrets (x-plumb-secret)
 *   mode: "0644"            # octal string; when absent the mode is neither compared nor changed
 * ```
 *
 * An attribute removed from Git is no longer managed: the provider reports no
 * `ObservedObject.owned`, so engine/diff/owned-removals.ts plans nothing for a
 * dropped `mode` or `content` and the file keeps what it has. Resetting a
 * dropped mode to the create default (0644/0755) would loosen a 0600 file the
 * moment its `mode` line goes, and a file system records no field owners to
 * tell what plumb set (docs/kubernetes.md, "Fields removed from Git").
 *
 * `owner` and `group` are not managed yet (changing them needs root):
 * declaring them gives the warning `file.owner-unsupported`, and they are
 * not compared.
 */
export interface FileSpec {
  readonly path: string;
  readonly ensure: 'present' | 'absent';
  readonly type: 'file' | 'directory';
  readonly content?: string;
  /** Which field carries the content: `secretContent` keeps it out of every output. */
  readonly contentField: 'content' | 'secretContent';
  readonly mode?: number;
}

export function parseFileSpec(spec: unknown): { spec?: FileSpec; problem?: string } {
  const s = (spec ?? {}) as Record<string, unknown>;
  if (typeof s.path !== 'string' || !s.path) return { problem: 'spec.path must be a non-empty string' };
  const type = s.type ?? 'file';
  if (type !== 'file' && type !== 'directory') return { problem: 'spec.type must be file or directory' };
  const ensure = s.ensure ?? 'present';
  if (ensure !== 'present' && ensure !== 'absent') return { problem: 'spec.ensure must be present or absent' };
  if (s.content !== undefined && s.secretContent !== undefined) return { problem: 'give spec.content or spec.secretContent, not both' };
  const contentField = s.secretContent !== undefined ? 'secretContent' : 'content';
  const content = s[contentField];
  if (content !== undefined && typeof content !== 'string') return { problem: `spec.${contentField} must be a string` };
  if (type === 'directory' && content !== undefined) return { problem: `a directory has no spec.${contentField}` };
  let mode: number | undefined;
  if (s.mode !== undefined) {
    // YAML 1.2 reads an unquoted 0644 as the integer 644: its digits are still the octal mode.
    const text = String(s.mode);
    if (!/^0?[0-7]{3,4}$/.test(text)) return { problem: 'spec.mode must be an octal string like "0644"' };
    mode = parseInt(text, 8);
    // setuid, setgid (and sticky) from Git would hand a pull request a privileged binary: the operator opts in
    if (mode & 0o7000 && process.env.PLUMB_ALLOW_SETID !== '1') {
      return { problem: `spec.mode ${text} sets setuid, setgid or sticky bits; the operator allows them with PLUMB_ALLOW_SETID=1` };
    }
  }
  return { spec: { path: s.path, ensure, type, content: content as string | undefined, contentField, mode } };
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
