import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodedForms, SecretScrubber, secretValuesOf } from '../../../engine/redact/scrubber.js';

describe('SecretScrubber', () => {
  it('removes a value in raw, JSON-escaped (once and twice) and base64 forms', () => {
    const value = 'p"a\\ss\nwörd-918273';
    const s = new SecretScrubber();
    s.add(value);
    const once = JSON.stringify(value);
    const twice = JSON.stringify(JSON.stringify({ m: value }));
    const b64 = Buffer.from(value).toString('base64');
    const text = `raw ${value} json ${once} twice ${twice} b64 ${b64} embedded ${Buffer.from(`xy${value}z`).toString('base64')}`;
    const out = s.scrub(text);
    for (const form of [value, once.slice(1, -1), b64]) expect(out).not.toContain(form);
    expect(out).not.toContain('918273');
    expect(s.contains(text)).toBe(true);
    expect(s.contains(out)).toBe(false);
  });

  it('finds base64 of the value at every byte alignment inside a longer base64 text', () => {
    const value = 'hunter2-secret';
    const s = new SecretScrubber();
    s.add(value);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const encoded = Buffer.from(`${prefix}${value}!`).toString('base64');
      expect(s.contains(encoded)).toBe(true);
    }
  });

  it('removes a value percent-encoded, as a URL query or user part carries it (encodeURIComponent and form encoding)', () => {
    const value = 'p@ss/w0rd+x y&z';
    const s = new SecretScrubber();
    s.add(value);
    const query = new URL('https://h/x');
    query.searchParams.set('password', value);
    const text = `GET ${query.href} -> 401; retry https://u:${encodeURIComponent(value)}@h/`;
    const out = s.scrub(text);
    expect(out).not.toContain(encodeURIComponent(value));
    expect(out).not.toContain(query.searchParams.toString().slice('password='.length));
    expect(out).not.toContain('w0rd');
  });

  it("removes a value percent-encoded by RFC 3986's strict rule (Python's quote(safe='')) or with lower-case hex digits (a hostile review)", () => {
    const value = "p@ss w0rd!x(9)'*";
    const s = new SecretScrubber();
    s.add(value);
    const strict = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    expect(strict).toBe('p%40ss%20w0rd%21x%289%29%27%2A');
    for (const encoded of [strict, strict.toLowerCase(), encodeURIComponent(value).toLowerCase(), 'p%40ss+w0rd%21x%289%29%27*'.toLowerCase()])
      expect(s.scrub(`GET https://h/x?password=${encoded}&a=1 -> 401`), encoded).toBe('GET https://h/x?password=(sensitive)&a=1 -> 401');
    // a value with nothing to escape has no other form: ordinary text stays as it is
    const plain = new SecretScrubber();
    plain.add('Tok3nValue');
    expect(plain.scrub('tok3nvalue %2f Tok3nValue')).toBe('tok3nvalue %2f (sensitive)');
  });

  it('removes a value escaped character by character as real encoders do, whatever set they leave alone (a hostile review)', () => {
    // each form printed by the real encoder: Go 1.x net/url (a URL's user part and path: `$&+=,;` and `/`, `@` left
    // as they are), Python 3's urllib.parse.quote (safe='/' by default) and json.dumps (ensure_ascii), Go's
    // encoding/json (`<>&` as \u003c \u003e \u0026); none is encodeURIComponent's, RFC 3986's strict or the form's
    const s = new SecretScrubber();
    for (const v of ['Zx9/kq+T3m=Lp$w&r', 'p@ss/w0rd!x é', 's3cr3t$pass!(1)', 'a<b>c&d=e1']) s.add(v);
    for (const [printed, encoded] of [
      ['Go url.URL{User: url.UserPassword}', 'https://u:Zx9%2Fkq+T3m=Lp$w&r@h/'],
      ['Go url.URL{User: url.UserPassword}', 'https://u:s3cr3t$pass%21%281%29@h/'],
      ['Go url.URL{User: url.UserPassword}', 'https://u:a%3Cb%3Ec&d=e1@h/'],
      ['Go url.URL{Path}', 'https://h/p@ss/w0rd%21x%20%C3%A9'],
      ['Python quote()', 'https://h/Zx9/kq%2BT3m%3DLp%24w%26r'],
      ['Python quote()', 'https://h/p%40ss/w0rd%21x%20%c3%a9'],
      ['Go json.Marshal', '{"p":"Zx9/kq+T3m=Lp$w\\u0026r"}'],
      ['Go json.Marshal', '{"p":"a\\u003cb\\u003ec\\u0026d=e1"}'],
      ['Python json.dumps', '{"p": "p@ss/w0rd!x \\u00e9"}'],
      ['PHP json_encode', '{"p":"Zx9\\/kq+T3m=Lp$w&r"}'],
    ]) {
      const text = `error: ${encoded} -> 401`;
      const out = s.scrub(text);
      expect(out, `${printed}: ${encoded}`).not.toBe(text);
      expect(out, printed).not.toMatch(/kq|w0rd|pass|c(?:&|%26|\\u0026)d/);
      expect(out.startsWith('error: ') && out.endsWith(' -> 401'), printed).toBe(true);
      expect(s.contains(text), printed).toBe(true);
    }
    // escapes around no secret stay as they are; a byte that is no UTF-8 is left as written
    expect(s.scrub('GET /a%20b%ZZ%ff\\u0041\\/x')).toBe('GET /a%20b%ZZ%ff\\u0041\\/x');
  });

  it("removes a value quoted by a shell, Python's repr or an HTML/XML escaper, each printed by the real tool", () => {
    // bash -x writes 'Zx9'\''kq…', printf %q backslashes $ & ' < > ", repr() backslashes ', html.escape and quoteattr
    // write &amp; &lt; &gt; &quot; &#x27;: each printed the value in clear
    const secret = `Zx9'kq+T3m=Lp$w&r<é>"`;
    const s = new SecretScrubber();
    s.add(secret);
    const py = (code: string) => execFileSync('python3', ['-c', `import sys${code}`, secret], { encoding: 'utf8' }).trim();
    const printed = {
      'bash -x': spawnSync('bash', ['-xc', 'true "$0"', secret], { encoding: 'utf8' }).stderr.trim(),
      'printf %q': execFileSync('bash', ['-c', 'printf "%q" "$0"', secret], { encoding: 'utf8' }),
      'shlex.quote': py(',shlex;print(shlex.quote(sys.argv[1]))'),
      'repr()': py(';print(repr(sys.argv[1]))'),
      'html.escape': py(',html;print(html.escape(sys.argv[1]))'),
      quoteattr: py(';from xml.sax.saxutils import quoteattr;print(quoteattr(sys.argv[1]))'),
    };
    for (const [tool, text] of Object.entries(printed)) {
      expect(text, tool).toContain('Zx9');
      const out = s.scrub(`error: ${text} -> 401`);
      expect(out, `${tool}: ${text}`).toContain('(sensitive)');
      expect(out, tool).not.toMatch(/Zx9|kq|T3m/);
      expect(out.startsWith('error: ') && out.endsWith(' -> 401'), tool).toBe(true);
    }
    // escapes and references around no secret stay as they are
    expect(s.scrub(`a=1&amp;b=2 \\$HOME it'\\''s &#39;`)).toBe(`a=1&amp;b=2 \\$HOME it'\\''s &#39;`);
  });

  it('leaves values shorter than four characters and unrelated text alone', () => {
    const s = new SecretScrubber();
    s.add('abc');
    s.add('longer-secret');
    expect(s.scrub('abc is fine')).toBe('abc is fine');
    expect(s.scrub('x longer-secret y')).toBe('x (sensitive) y');
    expect(encodedForms('longer-secret')).toContain(Buffer.from('longer-secret').toString('base64'));
  });

  it('scrubs keys and values of a JSON-like value', () => {
    const s = new SecretScrubber();
    s.add('top-secret');
    expect(s.scrubDeep({ a: ['top-secret!'], b: { 'top-secret': 1 } })).toEqual({ a: ['(sensitive)!'], b: { '(sensitive)': 1 } });
  });
});

describe('secretValuesOf', () => {
  it("collects a Secret's data (both forms), stringData and the values inside its last-applied annotation", () => {
    const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: { pin: 'applied-pin-1' } });
    const doc = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } },
      data: { a: Buffer.from('decoded-1').toString('base64') },
      stringData: { b: 'plain-2' },
    };
    expect(secretValuesOf(doc).sort()).toEqual([applied, 'applied-pin-1', Buffer.from('decoded-1').toString('base64'), 'decoded-1', 'plain-2'].sort());
  });

  it('collects schema-marked fields at any depth, non-strings as text', () => {
    const schema = {
      properties: { spec: { properties: { users: { items: { properties: { password: { 'x-plumb-secret': true } } } }, port: { 'x-plumb-secret': true } } } },
    };
    expect(secretValuesOf({ spec: { users: [{ password: 'pw-one' }, { password: 'pw-two' }], port: 54321 } }, schema).sort()).toEqual([
      '54321',
      'pw-one',
      'pw-two',
    ]);
  });
});
