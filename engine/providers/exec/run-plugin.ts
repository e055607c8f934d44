import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { StreamScrubber } from '../../redact/scrubber.js';

export interface PluginRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly input: string;
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  readonly killGraceMs: number;
  /** Output beyond this is refused (the process is killed). */
  readonly maxStdoutBytes: number;
  readonly signal: AbortSignal;
  /**
   * Scrubs stderr as it arrives, before the tail is cut from it (a tail cut
   * first could begin in the middle of a secret, which no later scrub
   * recognises). Its held-back end is added when the plugin finishes.
   */
  readonly stderrScrubber?: StreamScrubber;
}

export type PluginOutcome =
  | { readonly kind: 'exited'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'signalled'; readonly signal: string; readonly stderr: string }
  | { readonly kind: 'timeout'; readonly stderr: string }
  | { readonly kind: 'too-large'; readonly stderr: string }
  | { readonly kind: 'spawn-failed'; readonly errno: string }
  | { readonly kind: 'aborted'; readonly stderr: string };

const STDERR_TAIL = 4096;
/** After the plugin exits, how long a grandchild may keep its stdout open before the group is killed. */
const CLOSE_GRACE_MS = 500;

/**
 * Runs one plugin process for one request: no shell (arguments are never
 * interpreted), its own process group (so a timeout or abort kills whatever
 * it started: SIGTERM, then SIGKILL after a grace), the request on stdin,
 * stdout collected whole, and the last 4 KiB of stderr kept for diagnostics
 * (scrubbed whole, as it streams, by `stderrScrubber` before the cut: memory
 * stays bounded whatever the plugin prints).
 * Never rejects: every way a plugin can go wrong is an outcome.
 */
export function runPlugin(run: PluginRun): Promise<PluginOutcome> {
  return new Promise((resolve) => {
    if (run.signal.aborted) return resolve({ kind: 'aborted', stderr: '' });
    const child = spawn(run.command, [...run.args], {
      cwd: run.cwd,
      env: run.env as NodeJS.ProcessEnv,
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = Buffer.alloc(0);
    const errDecoder = new StringDecoder('utf8');
    const keepStderr = (text: string) => {
      if (!text) return;
      err = Buffer.concat([err, Buffer.from(text, 'utf8')]);
      if (err.length > STDERR_TAIL) err = err.subarray(err.length - STDERR_TAIL);
    };
    let reason: 'timeout' | 'too-large' | 'aborted' | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const stop = (why: 'timeout' | 'too-large' | 'aborted') => {
      if (reason || settled) return;
      reason = why;
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), run.killGraceMs));
    };
    const onAbort = () => {
      stop('aborted');
      finish();
    };
    const stderr = () => err.toString('utf8').replace(/^[^\n]*\uFFFD/, '');
    function finish() {
      if (settled) return;
      settled = true;
      const rest = errDecoder.end();
      keepStderr(run.stderrScrubber ? run.stderrScrubber.push(rest) + run.stderrScrubber.end() : rest);
      for (const t of timers) clearTimeout(t);
      run.signal.removeEventListener('abort', onAbort);
      if (reason) return resolve({ kind: reason, stderr: stderr() });
      if (!exit) return resolve({ kind: 'aborted', stderr: stderr() });
      if (exit.signal) return resolve({ kind: 'signalled', signal: exit.signal, stderr: stderr() });
      resolve({ kind: 'exited', code: exit.code ?? 0, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr() });
    }

    child.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      run.signal.removeEventListener('abort', onAbort);
      resolve({ kind: 'spawn-failed', errno: e.code ?? 'EUNKNOWN' });
    });
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > run.maxStdoutBytes) stop('too-large');
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = errDecoder.write(chunk);
      keepStderr(run.stderrScrubber ? run.stderrScrubber.push(text) : text);
    });
    child.stdin.on('error', () => undefined); // a plugin that exits without reading its request
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Stdout may still be draining; a grandchild holding it open must not hang plumb.
      const t = setTimeout(() => {
        killGroup('SIGKILL');
        finish();
      }, CLOSE_GRACE_MS);
      timers.push(t);
    });
    child.on('close', () => {
      if (exit || reason) finish();
    });
    timers.push(setTimeout(() => stop('timeout'), run.timeoutMs));
    run.signal.addEventListener('abort', onAbort, { once: true });
    child.stdin.end(run.input);
  });
}
