import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository this helper lives in (test/helpers/ → ../..). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
// Resolved here, not by node from `cwd`: fixture directories have no node_modules.
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `plumb ARGS…` as a child process, from the TypeScript sources (node
 * --import tsx cli/main.ts), and resolves with its exit code and output once it
 * exits. Colours are off (NO_COLOR) unless `env` turns them on; `input` is
 * written to stdin.
 *
 * @example
 *   const { code, stdout } = await runCli(['validate', '--repo', fixture('validate-ok'), '-o', 'json']);
 */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, PLUMB_DEBUG: undefined, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Absolute path of test/fixtures/<name>. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}
