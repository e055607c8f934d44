/**
 * How plumb ends when the reader of its output goes away (`plumb graph | head -1`,
 * `plumb plan -o json | less` quit early): quietly, as git and kubectl do —
 * the process ends by SIGPIPE, which a shell reports as status 141 (128 + 13;
 * `set -o pipefail` sees it as the failure it is, a plain pipeline does not),
 * with no stack trace and nothing more written.
 *
 * Node ignores SIGPIPE, so a write to a closed pipe fails with EPIPE, emitted as
 * an 'error' event on process.stdout/stderr that nobody handled: an uncaught
 * exception with a stack trace and exit 1. One handler on both streams serves
 * every writer — the CLI's output, the TUI's frames, the controller's log
 * lines (engine/reconcile/logger.ts writes through process.stdout) — so there is
 * one way to stop, whoever wrote.
 *
 * Any other write error on either stream (ENOSPC from `plumb plan -o json >
 * /dev/full`) ends plumb with one line on stderr and status 1: the output is
 * incomplete, and the caller must not take it for a whole one.
 *
 * Installed once, by cli/main.ts, before anything is written.
 */
export function stopQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listeners('error').includes(onStreamError)) continue;
    stream.on('error', onStreamError);
  }
}

function onStreamError(this: NodeJS.WriteStream, error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') endBySigpipe();
  // any other failed write (`> /dev/full`, a full disk: ENOSPC; EIO): one line and status 1, never a stack trace
  if (this !== process.stderr) {
    try {
      process.stderr.write(
        `error: cannot write to standard output: ${error.message} (free space where the output goes, or write it to a file with -o FORMAT=FILE)\n`,
      );
    } catch {
      // stderr is gone as well: the status says it
    }
  }
  process.exit(1);
}

/**
 * Restores SIGPIPE's default action (Node starts with it ignored; libuv
 * restores the default when the last listener of a signal goes) and sends it
 * to this process, which ends it at once — as a C or Go program writing to a
 * closed pipe ends. Where signals cannot be sent so (Windows), exit 141.
 */
function endBySigpipe(): never {
  try {
    const noop = () => {};
    process.on('SIGPIPE', noop);
    process.off('SIGPIPE', noop);
    process.kill(process.pid, 'SIGPIPE');
  } catch {
    // no SIGPIPE on this platform
  }
  process.exit(141);
}
