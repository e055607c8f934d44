import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';
import { KEY_ROWS } from './kubectl-yaml-keys.js';

const parse = (text: string) => parseYamlFile(text, 'inventory/x.yaml', { maxAliases: 100 });
const k8s = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n${body}`;

describe("Kubernetes manifests are read as kubectl reads them (go-yaml v2's YAML 1.1 forms)", () => {
  it('resolves every plain form kubectl reads differently, and leaves the shared ones alone', () => {
    const { documents, diagnostics } = parse(
      k8s(`data:
  a: [y, Y, yes, Yes, YES, on, On, ON, n, N, no, No, NO, off, Off, OFF]
  b: [0644, 0b101, -0b11, 1_000, 0x_ff, 09, 1_0.5, 0o17, 0x1f, +1, 1e3, .5, 1:20, 2001-12-14, True, ~]
  c: ["yes", 'on', !!str no]
  on: key
`),
    );
    expect(diagnostics).toEqual([]);
    expect((documents[0].value as { data: unknown }).data).toEqual({
      a: [true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false],
      b: [420, 5, -3, 1000, 255, 9, 10.5, 15, 31, 1, 1000, 0.5, '1:20', '2001-12-14', true, null],
      c: ['yes', 'on', 'no'],
      true: 'key',
    });
  });

  it('merges merge keys as kubectl does: explicit keys win, earlier mappings of a list win', () => {
    const { documents } = parse(
      k8s(`x: &a {p: 1, q: 1}
y: &b {q: 2, r: 2}
data:
  <<: [*a, *b]
  r: 3
`),
    );
    expect((documents[0].value as { data: unknown }).data).toEqual({ p: 1, q: 1, r: 3 });
  });

  it('refuses what kubectl cannot send or reads order-dependently, at the line', () => {
    const codes = (body: string) => parse(k8s(body)).diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
    expect(codes('data: {a: .inf}\n')).toEqual(['4:11 yaml.kubectl-differs .inf is not a JSON number: kubectl cannot send this document']);
    expect(codes('data: {a: !!binary aGVsbG8=}\n')[0]).toMatch(/^4:20 yaml\.kubectl-differs a !!binary value/);
    expect(codes('b: &b {k: 1}\ndata:\n  k: 2\n  <<: *b\n')).toEqual([
      '7:3 yaml.kubectl-differs the merge key (<<) comes after "k", which it also sets: kubectl and YAML disagree on which wins',
    ]);
  });

  it.each(KEY_ROWS)('a key written %s is the key kubectl sends (%s), or refused where kubectl refuses it', (written, sent) => {
    // alone in its file: each form is found without another beside it (0644, 0b101, 1_000 alone were read as YAML 1.2)
    const { documents, diagnostics } = parse(k8s(`data:\n  ${written}: v\n`));
    if (sent === undefined) {
      expect(documents).toEqual([]);
      expect(diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 5, column: 3, message: expect.stringMatching(/null|kubectl refuses/) })]);
    } else {
      expect(diagnostics).toEqual([]);
      expect(Object.keys((documents[0].value as { data: object }).data)).toEqual([sent]);
    }
  });

  it('a null key is yaml.null-key at its position, with a hint that is true, in every document', () => {
    for (const text of [
      k8s('data:\n  ~: x\n'),
      k8s('data: {a: 1, null: x}\n'),
      'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h}\nspec: {Null: 1}\n',
    ]) {
      const { diagnostics } = parse(text);
      expect(diagnostics).toEqual([expect.objectContaining({ code: 'yaml.null-key', hint: expect.stringContaining('quote the key') })]);
    }
    expect(parse(k8s('data: {a: 1, null: x}\n')).diagnostics[0]).toMatchObject({ line: 4, column: 14 });
  });

  it('two keys kubectl reads alike are refused at the second: kubectl would keep only the last, silently', () => {
    const { documents, diagnostics } = parse(k8s('data:\n  yes: a\n  on: b\n'));
    expect(documents).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'yaml.kubectl-differs', line: 6, column: 3, message: expect.stringContaining('"true", as an earlier key') }),
    ]);
    expect(parse(k8s('data:\n  1: a\n  0b1: b\n')).diagnostics).toEqual([expect.objectContaining({ code: 'yaml.kubectl-differs', line: 6 })]);
  });

  it('an integer past 2^53 is refused (plumb would send it rounded), and a float past float64 stays text as in kubectl', () => {
    const { diagnostics } = parse(k8s('data: {a: "x"}\nspec: {id: 9007199254740993, max: 18446744073709551615}\n'));
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['5:12 yaml.kubectl-differs']);
    const ok = parse(k8s('spec: {a: 9007199254740991, b: -9007199254740991, c: 1e400, d: 00000000000000001}\n'));
    expect(ok.diagnostics).toEqual([]);
    expect((ok.documents[0].value as { spec: unknown }).spec).toEqual({ a: 9007199254740991, b: -9007199254740991, c: '1e400', d: 1 });
  });

  it('a signed or upper-case 0x/0o/0b integer, a hex or octal one past 2^53 and a core-tagged scalar are read as kubectl reads them (a hostile review)', () => {
    // each alone in its file: YAML 1.2 reads -0x1F, 0X1F, -_1 as text, !!int 017 as 17 and 0x20000000000001 rounded
    const value = (v: string) => parse(k8s(`spec: {a: ${v}}\n`));
    const rows: Array<[string, unknown]> = [
      ['-0x1F', -31],
      ['+0x1F', 31],
      ['0X1F', 31],
      ['+0o644', 420],
      ['-0B11', -3],
      ['-_1', -1],
      ['!!int 017', 15],
      ['!!int "0644"', 420],
      ['!!float 017', 15],
      ['!!bool yes', true],
      ['!!bool "off"', false],
      ['!!null ~', null],
    ];
    for (const [written, sent] of rows) {
      const { documents, diagnostics } = value(written);
      expect(diagnostics, written).toEqual([]);
      expect((documents[0].value as { spec: { a: unknown } }).spec.a, written).toEqual(sent);
    }
    // kubectl fails on these ("cannot decode", or it would send an integer plumb cannot carry exactly)
    for (const written of ['0x20000000000001', '-0o400000000000000001', '0XFFFFFFFFFFFFFFFF', '!!int 1.5', '!!int yes', '!!float yes', '!!bool 1', '!!null x'])
      expect(
        value(written)
          .diagnostics.filter((d) => d.severity === 'error')
          .map((d) => `${d.line}:${d.column} ${d.code}`),
        written,
      ).toEqual([`4:${11 + (written.startsWith('!!') ? written.indexOf(' ') + 1 : 0)} yaml.kubectl-differs`]);
  });

  it("plumb's own CIs stay YAML 1.2", () => {
    const { documents } = parse('apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: h}\nspec: {enabled: yes, mode: 0644}\n');
    expect((documents[0].value as { spec: unknown }).spec).toEqual({ enabled: 'yes', mode: 644 });
  });
});
