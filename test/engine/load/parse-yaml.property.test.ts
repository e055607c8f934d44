import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../../engine/yaml/decode-utf8.js';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';

/**
 * Plain scalars whose meaning differs between YAML 1.1, js-yaml's CORE_SCHEMA
 * and YAML 1.2 core (the `yaml` package): the fast path must read each exactly
 * as `yaml` does.
 */
const TRICKY_PLAIN = [
  '2027-03-31',
  '2027-03-31T10:00:00Z',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'True',
  'FALSE',
  'tRuE',
  '~',
  'null',
  'Null',
  'NULL',
  '0b101',
  '0o17',
  '017',
  '0x1F',
  '-0x1F',
  '+12',
  '-0',
  '00',
  '1_000',
  '1_0.5',
  '.5',
  '+.5',
  '1.',
  '1e3',
  '1E+3',
  '6e1',
  '1.5e',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  '12345678901234567890',
  '0.1',
  '-1.25',
  '<<',
  '=',
  'a b',
  'x:y',
  'http://h/p',
];

const key = fc.oneof(
  fc.stringMatching(/^[a-z][a-zA-Z0-9_-]{0,8}$/),
  fc.constantFrom('1', '2.5', 'true', 'on', 'yes', '<<', '0x1F', 'a.b', 'plumb.io/relations'),
);

const scalar = fc.oneof(
  fc.constantFrom(...TRICKY_PLAIN),
  fc.stringMatching(/^[a-z][a-z0-9 .-]{0,12}[a-z0-9]$/),
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/'/g, "''").replace(/[\n\r]/g, ' ')}'`),
);

type Node = { scalar: string } | { map: [string, Node][] } | { seq: Node[] } | { flow: string[] };

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((s) => ({ scalar: s })),
    fc.uniqueArray(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 4, selector: ([k]) => k }).map((map) => ({ map })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq })),
    fc
      .array(
        scalar.filter((s) => !/[,[\]{}#]/.test(s) && !s.endsWith(':')),
        { maxLength: 3 },
      )
      .map((flow) => ({ flow })),
  ),
})).node;

/** Renders a node as block YAML: the text after `key:` or `-` (a leading newline for collections). */
function render(n: Node, indent: number): string {
  if ('scalar' in n) return ` ${n.scalar}\n`;
  if ('flow' in n) return ` [${n.flow.join(', ')}]\n`;
  return '\n' + body(n, indent);
}

/** A collection's lines at `indent`; sequence entries holding collections use the compact `- key: v` form. */
function body(n: { map: [string, Node][] } | { seq: Node[] }, indent: number): string {
  const pad = ' '.repeat(indent);
  if ('map' in n) return n.map.map(([k, v]) => `${pad}${k}:${render(v, indent + 2)}`).join('');
  return n.seq.map((v) => ('map' in v || 'seq' in v ? `${pad}- ${body(v, indent + 2).slice(indent + 2)}` : `${pad}-${render(v, indent + 2)}`)).join('');
}

const documentText = fc
  .tuple(fc.uniqueArray(fc.tuple(key, node), { minLength: 1, maxLength: 5, selector: ([k]) => k }), fc.boolean())
  .map(([entries, comment]) => (comment ? '# a comment\n\n' : '') + entries.map(([k, v]) => `${k}:${render(v, 2)}`).join(''));

const fileText = fc
  .tuple(fc.array(documentText, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([docs, leadingMarker]) => (leadingMarker ? '---\n' : '') + docs.join('---\n'));

const SPECIAL = [
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '#',
  '\n',
  '\r',
  '\r\n',
  '\t',
  ' ',
  '?',
  ',',
  '%',
  '@',
  '---\n',
  '...\n',
  'a: b\n',
  ']:',
  '}:',
  '[a]:',
  '{a: 1}:',
  '{[a]:x}',
  '? ',
  ':x',
];

const mutatedText = fc
  .tuple(fileText, fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...SPECIAL)), { minLength: 1, maxLength: 6 }))
  .map(([text, edits]) => {
    let t = text;
    for (const [at, remove, insert] of edits) {
      const i = at % (t.length + 1);
      t = t.slice(0, i) + insert + t.slice(i + remove);
    }
    return t;
  });

const options = { maxAliases: 100 };
const RUNS = Number(process.env.PLUMB_PROPERTY_RUNS ?? 1);

describe('parsing yaml files', () => {
  it('gives the same documents on the fast path as with yaml alone, on generated documents', () => {
    let fast = 0;
    fc.assert(
      fc.property(fileText, (text) => {
        const withFastPath = parseYamlFile(text, 'f.yaml', options);
        if (withFastPath.parser === 'fast') fast++;
        expect(withFastPath.documents).toEqual(parseYamlFile(text, 'f.yaml', { ...options, fast: false }).documents);
        expect(withFastPath.diagnostics).toEqual([]);
      }),
      { numRuns: 500 * RUNS },
    );
    // the property is only worth something if the fast path actually ran
    expect(fast).toBeGreaterThan(250 * RUNS);
  });

  it('a one-line single-quoted value holding flow, anchor, tag or comment characters reads as with yaml', () => {
    // what the fast path's test no longer counts inside such a value (engine/yaml/fast-parse-one.ts needsYaml)
    const piece = fc.constantFrom(
      '[',
      ']',
      '{',
      '}',
      ', ',
      ': ',
      ':',
      '#',
      ' #',
      '&a',
      '*a',
      '!t',
      '? ',
      "''",
      '- ',
      '|',
      '>',
      '%',
      '@',
      '`',
      '"',
      '\\',
      'x',
      ' ',
      '\t',
      'é',
      '---',
    );
    const quoted = fc.array(piece, { maxLength: 12 }).map((ps) => `'${ps.join('')}'`);
    const line = fc.tuple(fc.constantFrom('a: ', '  b: ', '- ', '  - ', 'c: - '), quoted, fc.constantFrom('', ' ', ' # note', '  #x: [y'));
    const text = fc.array(line, { minLength: 1, maxLength: 5 }).map((lines) => {
      const body = lines.map(([lead, q, tail]) => `${lead}${q}${tail}`);
      return `root:\n  k: v\n${body.map((l, i) => `  item${i}: ${l.replace(/^[ ]*(?:[a-z]+: |- )/, '')}`).join('\n')}\nlist:\n${body.map((l) => `  - ${l.replace(/^[ ]*(?:[a-z]+: |- )/, '')}`).join('\n')}\n`;
    });
    fc.assert(
      fc.property(text, (t) => {
        const withFastPath = parseYamlFile(t, 'f.yaml', options);
        const yamlOnly = parseYamlFile(t, 'f.yaml', { ...options, fast: false });
        if (yamlOnly.diagnostics.length === 0) expect(withFastPath).toEqual({ ...yamlOnly, parser: withFastPath.parser });
        else expect(withFastPath.parser).toBe('yaml');
      }),
      { numRuns: 500 * RUNS },
    );
  });

  it('a relations annotation written as a quoted flat-maps list stays on the fast path and reads as with yaml', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
    const entry = fc
      .tuple(
        word,
        fc.tuple(word, fc.constantFrom('', ':shop/', '/'), word).map((p) => p.join('')),
      )
      .map(([k, v]) => `${k}: ${v}`);
    const map = fc.array(entry, { minLength: 1, maxLength: 3 }).map((es) => `{${es.join(', ')}}`);
    const annotation = fc.array(map, { minLength: 1, maxLength: 4 }).map((ms) => `'[${ms.join(', ')}]'`);
    const file = fc
      .tuple(annotation, fc.constantFrom('\n', '\r\n'))
      .map(([a, nl]) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: x', '  annotations:', `    plumb.io/relations: ${a}`, ''].join(nl));
    fc.assert(
      fc.property(file, (t) => {
        const withFastPath = parseYamlFile(t, 'f.yaml', options);
        expect(withFastPath.parser).toBe('fast');
        expect(withFastPath).toEqual({ ...parseYamlFile(t, 'f.yaml', { ...options, fast: false }), parser: 'fast' });
      }),
      { numRuns: 200 * RUNS },
    );
  });

  it.each([
    "a: {'k: ': v, [b]: c} # '\n",
    `a: {"k: '": v, [b]: c} # '\n`,
    "a: {'k: ': v, [b]: c, d: '\n  e'}\n",
    "a: {'k: ': v, {b: 1}} # '\n",
    "a: {'k: ': v, b: &x {c: 1}, *x : 2} # '\n",
    "a: {'k: ': v, null: 1} # '\n",
    `a: {'k: ': &z v, ${Array.from({ length: 150 }, (_, i) => `m${i}: *z`).join(', ')}} # '\n`,
    "a: 'start\n  key: '[{b: c}, {d: e}]'\n",
  ])('a quote that closes a scalar hides nothing from the fast path: %j', (t) => {
    // an earlier blanking of single-quoted values took such a closing quote for an opening one (found by a hostile review)
    const withFastPath = parseYamlFile(t, 'f.yaml', options);
    const yamlOnly = parseYamlFile(t, 'f.yaml', { ...options, fast: false });
    expect(withFastPath.parser).toBe('yaml');
    expect(withFastPath).toEqual(yamlOnly);
  });

  it('never throws on mutated yaml, and on what yaml accepts the fast path gives the same documents', () => {
    fc.assert(
      fc.property(mutatedText, (text) => {
        const withFastPath = parseYamlFile(text, 'f.yaml', options);
        const yamlOnly = parseYamlFile(text, 'f.yaml', { ...options, fast: false });
        for (const d of yamlOnly.diagnostics) expect(d).toMatchObject({ file: 'f.yaml', line: expect.any(Number), column: expect.any(Number) });
        // js-yaml is more lenient than YAML 1.2 on some malformed indentation (README, "Parsing");
        // wherever yaml accepts the text, the two paths must agree exactly
        if (yamlOnly.diagnostics.length === 0) expect(withFastPath).toEqual({ ...yamlOnly, parser: withFastPath.parser });
        else if (withFastPath.parser === 'yaml') expect(withFastPath).toEqual(yamlOnly);
      }),
      { numRuns: 1000 * RUNS },
    );
  });

  // hostile8: a flow collection as a key, its `:` glued to the value (`{[a]:x}`), was read by js-yaml as its text
  const gap = fc.constantFrom('', ' ', '\t', '\n', '\n  ', ' # c\n', '\r\n');
  const flowKey = fc.constantFrom('[a]', '[a, b]', '{a: 1}', '{}', '[]', '[[a]]', '"q"', "'q'", 'k', '&x [a]', '*x');
  const flowText = fc
    .tuple(
      fc.constantFrom('{', '[', '', 'a: {', 'a: ['),
      flowKey,
      gap,
      fc.constantFrom(':', '', '?'),
      gap,
      fc.constantFrom('x', '1', '[b]', '{c: d}', ''),
      fc.boolean(),
    )
    .map(([open, k, g1, colon, g2, v, explicit]) => {
      const close = open.endsWith('{') ? '}' : open.endsWith('[') ? ']' : '';
      return `${open}${explicit ? '? ' : ''}${k}${g1}${colon}${g2}${v}${close}\n`;
    });

  it('never takes a collection key on the fast path: where yaml refuses one, the file goes to yaml; where yaml accepts, both agree', () => {
    fc.assert(
      fc.property(flowText, (text) => {
        const withFastPath = parseYamlFile(text, 'f.yaml', options);
        const yamlOnly = parseYamlFile(text, 'f.yaml', { ...options, fast: false });
        if (yamlOnly.diagnostics.some((d) => d.code === 'yaml.complex-key')) expect(withFastPath).toEqual(yamlOnly);
        if (yamlOnly.diagnostics.length === 0) expect(withFastPath).toEqual({ ...yamlOnly, parser: withFastPath.parser });
      }),
      { numRuns: 2000 * RUNS },
    );
  });

  it('never throws on arbitrary bytes: they decode to text that parses, or to a not-utf8 diagnostic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const decoded = decodeUtf8(bytes, 'f.yaml');
        if ('diagnostic' in decoded) {
          expect(decoded.diagnostic.code).toBe('load.not-utf8');
          return;
        }
        const parsed = parseYamlFile(decoded.text, 'f.yaml', options);
        expect(Array.isArray(parsed.documents) && Array.isArray(parsed.diagnostics)).toBe(true);
      }),
      { numRuns: 1000 * RUNS },
    );
  });

  it.each([
    ['an empty entry, then a less indented one, then a deeper `- `', 'x:\n  - y:\n      -\n  - 1\n      - z\n'],
    ['an empty entry at the end of a compact nested list', 'a:\n  - - - \n    - -2.5\n    - b\n'],
    ['an empty entry followed by a comment', 'a:\n  - - # c\n  - b: 1\n'],
    ['a flow entry starting with a colon', 'a: [" ", :]\nb: [x, :1E+3]\n'],
    ['a null key glued to the end of its flow sequence', '---\na: [True, null:]\n'],
  ])('agrees with yaml where js-yaml alone would not: %s', (_, text) => {
    expect(parseYamlFile(text, 'f.yaml', options)).toEqual(parseYamlFile(text, 'f.yaml', { ...options, fast: false }));
  });

  it('reads YAML 1.2 core scalars: dates, yes/no and << stay strings', () => {
    const text = 'a: 2027-03-31\nb: yes\n<<: {c: 1}\nd: 0b101\ne: +.5\nf: 0o17\n';
    const expected = { a: '2027-03-31', b: 'yes', '<<': { c: 1 }, d: '0b101', e: 0.5, f: 15 };
    expect(parseYamlFile(text, 'f.yaml', options)).toEqual({
      documents: [{ origin: { file: 'f.yaml', doc: 0, line: 1, column: 1 }, value: expected }],
      diagnostics: [],
      parser: 'fast',
    });
    expect(parseYamlFile(text, 'f.yaml', { ...options, fast: false }).documents[0].value).toEqual(expected);
  });

  it.each([
    ['`---` glued to a key is a key, not a document marker', '---::# a comment:yes: -1000000000\n'],
    ['`---x` on a later line', 'a: 1\n---x: 2\n'],
    ['a flow sequence as a key', 'a:\n  - [1e+3, b]:\n'],
    // a lone CR is a line break to js-yaml and content to yaml (hostile6): a comment hid `d` from one path only
    ['a lone carriage return after a comment', 'a: b # c\rd: e\n'],
    ['a lone carriage return in a quoted scalar', 'a: "x\ry"\nb: \'x\ry\'\n'],
    ['a lone carriage return in a flow sequence', 'a: [1,\r2]\n'],
    ['lone carriage returns as line ends', 'kind: Service\rname: a\r'],
  ])('sends to yaml what js-yaml would misread: %s (found by the property test)', (_why, text) => {
    const fast = parseYamlFile(text, 'f.yaml', options);
    expect(fast.parser).toBe('yaml');
    expect(fast).toEqual({ ...parseYamlFile(text, 'f.yaml', { ...options, fast: false }), parser: 'yaml' });
  });
});
