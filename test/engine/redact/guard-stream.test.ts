import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flushGuardedStreams, GUARD_FLUSH_MS, guardStream } from '../../../engine/redact/guard-stream.js';
import { SecretScrubber, secretScrubber, StreamScrubber } from '../../../engine/redact/scrubber.js';

const SECRET = 'password123-guard';

/** A real Writable that records what reaches it. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('StreamScrubber: no secret crosses a chunk boundary', () => {
  it('scrubs a value split at every position, in every form, and keeps all other text in order', () => {
    const s = new SecretScrubber();
    s.add(SECRET);
    const b64 = Buffer.from(SECRET).toString('base64');
    for (const form of [SECRET, b64, JSON.stringify(JSON.stringify({ p: SECRET }))]) {
      const text = `before ${form} after`;
      for (let cut = 0; cut <= text.length; cut++) {
        const stream = new StreamScrubber(s);
        const out = stream.push(text.slice(0, cut)) + stream.push(text.slice(cut)) + stream.end();
        expect(out).toBe(s.scrub(text)); // the same as scrubbing the text whole
        expect(out).not.toContain('123-guard');
      }
    }
  });

  it("scrubs a value escaped as no one encoder does (Go's URL user part, Python quote(), Go JSON) split at every position, an escape cut in two too", () => {
    const s = new SecretScrubber();
    s.add('Zx9/kq+T3m=Lp$w&r');
    for (const form of ['Zx9%2Fkq+T3m=Lp$w&r', 'Zx9/kq%2BT3m%3DLp%24w%26r', 'Zx9/kq+T3m=Lp$w\\u0026r']) {
      const text = `GET https://u:${form}@h/ 50% -> 401`;
      for (let cut = 0; cut <= text.length; cut++) {
        const stream = new StreamScrubber(s);
        const out = stream.push(text.slice(0, cut)) + stream.push(text.slice(cut)) + stream.end();
        expect(out, `${form} cut at ${cut}`).toBe('GET https://u:(sensitive)@h/ 50% -> 401');
      }
    }
  });

  it('scrubs a value whose first character is escaped as no form is (Go JSON: \\u0026), the escape cut in two', () => {
    const s = new SecretScrubber();
    s.add('&Zx9/kq+T3m=Lp$w');
    for (const form of ['\\u0026Zx9/kq+T3m=Lp$w', '\\u0026Zx9\\/kq+T3m=Lp$w', '%26Zx9/kq+T3m=Lp$w', '&amp;Zx9/kq+T3m=Lp\\$w', '&#38;Zx9/kq+T3m=Lp$w']) {
      for (const before of ['token: ', 'a%20b \\u0041: ']) {
        const text = `${before}${form} end`;
        for (let cut = 0; cut <= text.length; cut++) {
          const stream = new StreamScrubber(s);
          const out = stream.push(text.slice(0, cut)) + stream.push(text.slice(cut)) + stream.end();
          expect(out, `${text} cut at ${cut}`).toBe(`${before}(sensitive) end`);
        }
      }
    }
  });

  it("scrubs a shell's quoting of a value with a single quote (bash -x: 'Zx9'\\''kq'), cut at every position", () => {
    const s = new SecretScrubber();
    s.add("Zx9'kq+T3m=Lp$w");
    for (const text of ["+ curl -u 'u:Zx9'\\''kq+T3m=Lp$w' end", `curl -u 'u:Zx9'"'"'kq+T3m=Lp$w' end`])
      for (let cut = 0; cut <= text.length; cut++) {
        const stream = new StreamScrubber(s);
        const out = stream.push(text.slice(0, cut)) + stream.push(text.slice(cut)) + stream.end();
        expect(out, `cut at ${cut}`).not.toMatch(/Zx9|kq/);
      }
  });

  it('holds back at most the longest form minus one character, and only a possible start of a form', () => {
    const s = new SecretScrubber();
    s.add(SECRET);
    const stream = new StreamScrubber(s);
    expect(stream.push('plain text with no secret start ')).toBe('plain text with no secret start ');
    expect(stream.pending).toBe(0);
    expect(stream.push('xx pass')).toBe('xx ');
    expect(stream.pending).toBe(4);
    expect(stream.push('wore')).toBe('password'.slice(0, 4) + 'wore');
    const long = 'p'.repeat(10_000);
    stream.push(long);
    expect(stream.pending).toBeLessThan(s.maxFormLength);
  });

  it('does not cut through a shorter secret that a longer one begins with', () => {
    const s = new SecretScrubber();
    s.addAll(['abcd', 'cdzz-long']);
    const stream = new StreamScrubber(s);
    expect(stream.push('x abcd') + stream.end()).toBe('x (sensitive)');
  });
});

describe('guardStream: a guarded stream never passes a secret split across writes', () => {
  it('scrubs write("pass") + write("word123…") and flushes a held tail after a tick and on demand', async () => {
    secretScrubber.add(SECRET);
    const { stream, text } = sink();
    guardStream(stream);
    stream.write('login with pass');
    stream.write('word123-guard done\n');
    expect(text()).toBe('login with (sensitive) done\n');
    stream.write(Buffer.from('then pass'));
    expect(text()).toBe('login with (sensitive) done\nthen ');
    await new Promise((resolve) => setTimeout(resolve, GUARD_FLUSH_MS * 3));
    expect(text()).toBe('login with (sensitive) done\nthen pass');
    stream.write('a p');
    flushGuardedStreams();
    expect(text()).toBe('login with (sensitive) done\nthen passa p');
  });

  it('keeps a multi-byte character split across two byte writes whole', () => {
    const { stream, text } = sink();
    guardStream(stream);
    const bytes = Buffer.from('grüße\n');
    stream.write(bytes.subarray(0, 3));
    stream.write(bytes.subarray(3));
    expect(text()).toBe('grüße\n');
  });

  it('writes the held tail, scrubbed, when the process exits (nothing lost, order kept)', async () => {
    const tsx = import.meta.resolve('tsx');
    const guard = fileURLToPath(new URL('../../../engine/redact/guard-stream.ts', import.meta.url));
    const scrubber = fileURLToPath(new URL('../../../engine/redact/scrubber.ts', import.meta.url));
    const script = `
      const { guardStream } = await import(${JSON.stringify(guard)});
      const { secretScrubber } = await import(${JSON.stringify(scrubber)});
      secretScrubber.add(${JSON.stringify(SECRET)});
      guardStream(process.stdout);
      process.stdout.write('one pass');
      process.stdout.write('word123-guard two p');
      process.exit(0);
    `;
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out).toBe('one (sensitive) two p');
  });
  it("writes what an exit listener after the guard's writes, whole (Ink restores the cursor there: half an escape sequence ate the shell's next character)", async () => {
    const tsx = import.meta.resolve('tsx');
    const guard = fileURLToPath(new URL('../../../engine/redact/guard-stream.ts', import.meta.url));
    const scrubber = fileURLToPath(new URL('../../../engine/redact/scrubber.ts', import.meta.url));
    // a secret that begins with the sequence's last character: `h` of ESC[?25h could be its start, and was held back
    const script = `
      const { guardStream } = await import(${JSON.stringify(guard)});
      const { secretScrubber } = await import(${JSON.stringify(scrubber)});
      secretScrubber.add('hunter2-observed');
      guardStream(process.stdout);
      process.on('exit', () => process.stdout.write('\\u001b[?25h'));
      process.stdout.write('frame hunter2-observed frame');
      process.exit(0);
    `;
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out).toBe('frame (sensitive) frame\u001b[?25h');
  });
});
