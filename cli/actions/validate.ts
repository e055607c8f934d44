import { closeSync, constants, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import {
  hasErrors,
  renderValidateText,
  secretKinds,
  sensitiveLines,
  toSarif,
  toValidateJson,
  validate,
  type Diagnostic,
  type InventoryPolicyReport,
  type LoadedRepository,
} from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { parseNow } from './plan.js';
import { runWithOutputs } from '../output.js';
import type { colors, GlobalOptions } from '../run-command.js';

interface ValidateOptions extends GlobalOptions {
  rev?: string;
  now?: string;
}

function render(
  format: string,
  repo: LoadedRepository,
  diagnostics: readonly Diagnostic[],
  relations: number,
  policy: InventoryPolicyReport,
  c: ReturnType<typeof colors>,
): string {
  if (format === 'json')
    return JSON.stringify(
      toValidateJson({ diagnostics, cis: repo.cis.length, relations, policy, ...(repo.renders ? { renders: repo.renders } : {}) }),
      null,
      2,
    );
  if (format === 'sarif') return JSON.stringify(toSarif({ diagnostics, policyResults: policy.results, policies: policy.policies }), null, 2);
  const files = new Set(diagnostics.flatMap((d) => (d.file ? [d.file] : [])));
  return renderValidateText({
    diagnostics,
    cis: repo.cis.length,
    relations,
    source: sourceReader(repo),
    sensitive: sensitiveLines(repo, files),
    secretKinds: secretKinds(repo),
    colors: c,
    ...(policy.policies.length ? { policyResults: policy.results } : {}),
    ...(repo.renders ? { renders: repo.renders } : {}),
  });
}

/**
 * File text for the caret excerpts: the loader's own copy when it offers one
 * (`readText`, needed for `--rev`), else the work tree on disk. A revision
 * without `readText` shows no excerpts rather than the wrong lines.
 */
function sourceReader(repo: LoadedRepository): (file: string) => string | undefined {
  const withText = repo as LoadedRepository & { readText?: (file: string) => string | undefined };
  if (typeof withText.readText === 'function') return (file) => withText.readText!(file);
  if (repo.revision !== 'worktree') return () => undefined;
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (!cache.has(file)) cache.set(file, readRegularFile(repo.root, file));
    return cache.get(file);
  };
}

/**
 * A diagnostic's file read for its excerpt on the loader's terms: a regular file inside the repository, opened
 * without blocking, a link followed only while it stays inside. A diagnostic's file may be one the load refused to
 * read — a FIFO named `inventory/apps.yaml` (whose blocking open hung validate for good), a link out of the
 * repository (`-> /etc/shadow`) or to a device (`-> /dev/zero`) — or a loaded file swapped for one since: no excerpt.
 */
function readRegularFile(root: string, file: string): string | undefined {
  let fd: number | undefined;
  try {
    const full = join(root, file);
    try {
      fd = openSync(full, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOOP') return undefined;
      const real = realpathSync(full);
      const realRoot = realpathSync(root);
      if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
      fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    }
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `plumb validate`'s action: what runs once commander has parsed the command line (cli/commands/validate.ts). */
export const action = (opts: ValidateOptions) =>
  runWithOutputs(opts, { command: 'validate', defaultFormat: 'text' }, async (out) => {
    // inventory-scope policies see the graph as validated; a deny exits 3, warn and audit are reported
    const { repo, relations, diagnostics, policy } = await validate({ repo: opts.repo, cwd: process.cwd(), rev: opts.rev, now: parseNow(opts.now) });
    await out.write((format, c) => render(format, repo, diagnostics, relations, policy, c));
    if (hasErrors(diagnostics)) return EXIT.failure;
    return policy.denied ? EXIT.denied : EXIT.ok;
  });
