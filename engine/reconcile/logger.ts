import { pino, type Logger } from 'pino';

/**
 * Paths pino censors in every log line, wherever a caller puts them: tokens,
 * passwords, authorization headers, webhook secrets. The controller also never
 * passes a credential to the logger on purpose; this is the second line.
 */
export const REDACT_PATHS = [
  'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'authorization', '*.authorization',
  'headers.authorization', '*.headers.authorization', 'credentials', '*.credentials', 'webhookSecret', '*.webhookSecret',
];

export type ControllerLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

/** JSON lines on stdout (or `destination`), with ISO timestamps and the redaction above. */
export function createControllerLogger(options: { level?: string; destination?: NodeJS.WritableStream; base?: Record<string, unknown> } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.PLUMB_LOG_LEVEL ?? 'info',
      base: { component: 'plumb-controller', ...options.base },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ? (options.destination as any) : pino.destination({ dest: 1, sync: true }),
  );
}
