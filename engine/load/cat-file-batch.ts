import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

interface Pending {
  resolve(bytes: Uint8Array | undefined): void;
  reject(error: Error): void;
}

/**
 * One long-lived `git cat-file --batch` process. Requests are written to its
 * stdin as they come and answered in order, so thousands of reads pipeline
 * through a single process instead of paying a fork per file.
 */
export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  /** Size of the object body being received, or -1 while waiting for a header. */
  private bodySize = -1;
  private failure: Error | undefined;

  constructor(gitDir: string) {
    this.child = spawn('git', ['-C', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.on('error', (e) => this.fail(e));
    this.child.on('exit', (code) => {
      if (this.pending.length) this.fail(new Error(`git cat-file exited with code ${code}`));
    });
    this.child.stdin.on('error', (e) => this.fail(e));
  }

  /** The object's bytes, or undefined when the object does not exist. */
  read(oid: string): Promise<Uint8Array | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(oid + '\n');
    });
  }

  close(): void {
    this.child.stdin.end();
    if (this.child.exitCode === null) this.child.kill();
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.bodySize < 0) {
        const newline = this.buffer.indexOf(10);
        if (newline < 0) return;
        const header = this.buffer.subarray(0, newline).toString('latin1');
        this.buffer = this.buffer.subarray(newline + 1);
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          this.pending.shift()?.resolve(undefined);
          continue;
        }
        this.bodySize = Number(header.slice(header.lastIndexOf(' ') + 1));
      }
      if (this.buffer.length < this.bodySize + 1) return;
      const body = Uint8Array.prototype.slice.call(this.buffer, 0, this.bodySize) as Uint8Array;
      this.buffer = this.buffer.subarray(this.bodySize + 1);
      this.bodySize = -1;
      this.pending.shift()?.resolve(body);
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}
