import { pino, type Logger } from 'pino';
import { scrubText } from '../redact/scrubber.js';

/**
 * Paths pino censors in every log line, wherever a caller puts them: tokens,
 * passwords, authorization headers, webhook secrets. The controller also never
 * passes a credential to the logger on purpose; this is the second line.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'credentials',
  '*.credentials',
  'webhookSecret',
  '*.webhookSecret',
];

export type ControllerLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

/**
 * JSON lines on stdout (or `destination`), with ISO timestamps, the redaction
 * above, and every line scrubbed of known secret values (engine/redact/scrubber.ts)
 * in raw, JSON-escaped and base64 forms.
 */
export function createControllerLogger(options: { level?: string; destination?: NodeJS.WritableStream; base?: Record<string, unknown> } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.PLUMB_LOG_LEVEL ?? 'info',
      base: { component: 'plumb-controller', ...options.base },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: scrubText },
    },
    // process.stdout, not pino's own writer on fd 1: the one stream the scrubber guard and the CLI's
    // closed-pipe handling (cli/closed-pipe.ts) watch; synchronous for files and pipes, as pino's sync destination was
    options.destination ? (options.destination as any) : process.stdout,
  );
}

/**
 * A warning that may repeat every few seconds (a lease call to an API server
 * that is down): the first occurrence of a message is logged, the same message
 * again only once `everyMs` (default 60 s) has passed, with `repeated: n`, the
 * number of times it occurred since it was last logged. A different message is
 * logged at once; `reset()` (the call works again) forgets the last one.
 * `now` is for tests.
 */
export function repeatingWarning(
  log: Pick<ControllerLogger, 'warn'>,
  msg: string,
  options: { everyMs?: number; now?: () => number } = {},
): { warn(err: string): void; reset(): void } {
  const everyMs = options.everyMs ?? 60_000;
  const now = options.now ?? Date.now;
  let last: { err: string; at: number; repeated: number } | undefined;
  return {
    warn(err: string): void {
      const t = now();
      if (last && last.err === err && t - last.at < everyMs) {
        last.repeated++;
        return;
      }
      log.warn(last && last.err === err ? { err, repeated: last.repeated } : { err }, msg);
      last = { err, at: t, repeated: 0 };
    },
    reset(): void {
      last = undefined;
    },
  };
}
