/**
 * Where the controller's desired state comes from. A source answers one
 * question — "what is the newest revision, and where can I load it?" — and may
 * push a hint that it changed (a file watcher, a webhook). It never parses
 * anything: loading is engine/load's job.
 */
export interface SourceArtifact {
  /** A stable name of this content: a commit SHA, or `SHA-dirty-HASH` / `content-HASH` for a work tree. */
  readonly revision: string;
  /** The directory `loadRepository` opens (`repo`). */
  readonly dir: string;
  /** The Git revision to load from `dir` (`rev`); absent: load the work tree. */
  readonly rev?: string;
}

export interface Source {
  /** For logs and status: the path, or the URL without credentials. */
  readonly description: string;
  /** Brings the source up to date and names the newest revision. Throws PlumbError `source.*` on failure. */
  fetch(signal: AbortSignal): Promise<SourceArtifact>;
  /** Calls `onChange` when the source may have a new revision (debounced); returns a stop function. */
  watch?(onChange: () => void): () => void;
  close?(): Promise<void>;
}
