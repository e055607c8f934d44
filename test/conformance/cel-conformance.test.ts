/**
 * A subset of the cel-spec conformance suite (shipped as data in
 * @bufbuild/cel-spec), run through plumb's own CEL adapter
 * (engine/policy/cel.ts: compileCel + evaluateCel) — the features policies use.
 * Sections and cases left out are listed below with the reason.
 */
import { celList, celMap, celUint, type CelInput, type CelValue, isCelList, isCelMap, isCelType, isCelUint } from '@bufbuild/cel';
import { getConformanceSuite, type IncrementalTest, type IncrementalTestSuite } from '@bufbuild/cel-spec/testdata/tests.js';
import { getTestRegistry } from '@bufbuild/cel-spec/testdata/registry.js';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { CelCompileError, CelEvalError, compileCel, evaluateCel } from '../../engine/policy/cel.js';

/** Sections of the suite that policies rely on. */
const SECTIONS = [
  'basic',
  'comparisons',
  'conversions',
  'fields',
  'fp_math',
  'integer_math',
  'lists',
  'logic',
  'macros',
  'parse',
  'string',
  'string_ext',
  'timestamps',
];

/**
 * Sections not run, and why:
 * - proto2, proto3, enums, wrappers, dynamic, proto2_ext, type_deductions: protobuf
 *   messages and their type checking; CIs are plain YAML data, never messages.
 * - bindings_ext, block_ext, encoders_ext, math_ext, optionals, macros2: CEL
 *   extensions the library does not implement (cel.bind, cel.block, base64,
 *   math.*, optional values, two-variable macros).
 * - namespace, plumbing, unknowns: containers, check-only plumbing and partial
 *   evaluation, none of which plumb uses.
 */

/** Cases inside the run sections that are skipped, and why. */
const SKIPPED: Record<string, string> = {
  'fields/quoted_map_fields': 'backtick-quoted field names are not supported by the library parser yet',
  'fields/qualified_identifier_resolution/map_value_repeat_key_heterogeneous':
    'duplicate map keys across numeric types are not detected (same in cel-go and cel-java)',
  'conversions/type': 'type denotations of protobuf message types need the conformance message registry',
};

/** Cases that need protobuf message types (TestAllTypes, wrappers, Any…) which a plain-data environment lacks. */
const NEEDS_MESSAGES = /TestAllTypes|google\.protobuf\.|cel\.expr\.conformance|\bAny\b|NestedMessage|NestedEnum|GlobalEnum/;

const registry = getTestRegistry();

interface Case {
  readonly path: string;
  readonly test: IncrementalTest;
}

function* cases(suite: IncrementalTestSuite, prefix: string[]): Generator<Case> {
  for (const s of suite.suites) yield* cases(s, [...prefix, s.name]);
  for (const test of suite.tests) yield { path: [...prefix, test.original.name].join('/'), test };
}

function skipReason(c: Case): string | undefined {
  const entry = Object.entries(SKIPPED).find(([prefix]) => c.path === prefix || c.path.startsWith(`${prefix}/`));
  if (entry) return entry[1];
  const t = c.test.original;
  if (t.container) return 'uses a container (namespace) for message names';
  if (t.disableMacros) return 'runs with macros disabled, an option the adapter does not expose';
  if (t.checkOnly || t.resultMatcher.case === 'typedResult') return 'a type-check-only case; the library has no type checker';
  if (t.resultMatcher.case === 'unknown' || t.resultMatcher.case === 'anyUnknowns') return 'partial evaluation';
  if (NEEDS_MESSAGES.test(t.expr) || Object.values(t.bindings).some((b) => JSON.stringify(b, jsonBigint).includes('objectValue'))) {
    return 'needs protobuf message types';
  }
  return undefined;
}

const suite = getConformanceSuite();
const selected = suite.suites.filter((s) => SECTIONS.includes(s.name));

describe('cel-spec conformance (subset) through the plumb adapter', () => {
  for (const section of selected) {
    describe(section.name, () => {
      for (const c of cases(section, [section.name])) {
        const reason = skipReason(c);
        (reason ? it.skip : it)(`${c.path}: ${c.test.original.expr}`, () => runCase(c.test));
      }
    });
  }

  it('runs a meaningful share of the selected sections', () => {
    const all = selected.flatMap((s) => [...cases(s, [s.name])]);
    const run = all.filter((c) => !skipReason(c));
    expect(run.length).toBeGreaterThan(700);
  });
});

function runCase(test: IncrementalTest): void {
  const t = test.original;
  const program = compileCel(t.expr);
  const bindings: Record<string, CelInput> = {};
  for (const [name, binding] of Object.entries(t.bindings)) {
    if (binding.kind.case !== 'value') throw new Error(`unsupported binding ${binding.kind.case}`);
    bindings[name] = fromExpected(binding.kind.value as ExpectedValue) as CelInput;
  }
  const matcher = t.resultMatcher;
  if (program instanceof CelCompileError) {
    // a parse failure is an acceptable answer only where an error is expected
    expect(matcher.case === 'evalError' || matcher.case === 'anyEvalErrors', `compile error: ${program.message}`).toBe(true);
    return;
  }
  const result = evaluateCel(program, bindings);
  switch (matcher.case) {
    case 'evalError':
    case 'anyEvalErrors':
      expect(result).toBeInstanceOf(CelEvalError);
      return;
    case 'value':
      expect(result instanceof CelEvalError ? `error: ${result.message}` : canonical(result)).toEqual(canonicalExpected(matcher.value as ExpectedValue));
      return;
    case undefined:
      expect(result).toBe(true);
      return;
    default:
      throw new Error(`unsupported matcher ${matcher.case}`);
  }
}

// ── values: both sides to one canonical, comparable shape ──────────────────────

interface ExpectedValue {
  readonly kind: { readonly case: string | undefined; readonly value?: unknown };
}

function canonical(v: CelValue): unknown {
  switch (typeof v) {
    case 'bigint':
      return { int: v.toString() };
    case 'number':
      return { double: Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v };
    case 'string':
      return { string: v };
    case 'boolean':
      return { bool: v };
  }
  if (v === null) return { null: true };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  if (isCelUint(v)) return { uint: v.value.toString() };
  if (isCelType(v)) return { type: v.name };
  if (isCelList(v)) return { list: Array.from(v, canonical) };
  if (isCelMap(v)) return { map: sortEntries(Array.from(v.entries(), ([k, x]) => [canonical(k as CelValue), canonical(x)])) };
  const message = v as unknown as { desc: { typeName: string }; message: { seconds?: bigint; nanos?: number } };
  return canonicalMessage(message.desc.typeName, message.message);
}

function canonicalExpected(v: ExpectedValue): unknown {
  const { case: kind, value } = v.kind;
  switch (kind) {
    case 'nullValue':
      return { null: true };
    case 'boolValue':
      return { bool: value };
    case 'int64Value':
      return { int: String(value) };
    case 'uint64Value':
      return { uint: String(value) };
    case 'doubleValue':
      return canonical(value as number);
    case 'stringValue':
      return { string: value };
    case 'bytesValue':
      return { bytes: Buffer.from(value as Uint8Array).toString('base64') };
    case 'typeValue':
      return { type: value };
    case 'listValue':
      return { list: (value as { values: ExpectedValue[] }).values.map(canonicalExpected) };
    case 'mapValue':
      return {
        map: sortEntries(
          (value as { entries: { key: ExpectedValue; value: ExpectedValue }[] }).entries.map((e) => [canonicalExpected(e.key), canonicalExpected(e.value)]),
        ),
      };
    case 'objectValue': {
      const unpacked = anyUnpack(value as Parameters<typeof anyUnpack>[0], registry) as unknown as
        | { $typeName: string; seconds?: bigint; nanos?: number }
        | undefined;
      if (!unpacked) throw new Error('unknown Any in expected value');
      return canonicalMessage(unpacked.$typeName, unpacked);
    }
    default:
      throw new Error(`unsupported expected value ${kind}`);
  }
}

function canonicalMessage(typeName: string, m: { seconds?: bigint; nanos?: number }): unknown {
  return { [typeName]: `${m.seconds ?? 0n}s${m.nanos ?? 0}n` };
}

function sortEntries(entries: unknown[][]): unknown[][] {
  return entries.sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])));
}

/** Expected values as inputs, for bindings. */
function fromExpected(v: ExpectedValue): unknown {
  const { case: kind, value } = v.kind;
  switch (kind) {
    case 'nullValue':
      return null;
    case 'int64Value':
      return value as bigint;
    case 'uint64Value':
      return celUint(value as bigint);
    case 'listValue':
      return celList((value as { values: ExpectedValue[] }).values.map((x) => fromExpected(x) as CelInput));
    case 'mapValue': {
      const map = new Map<string | bigint | boolean, CelInput>();
      for (const e of (value as { entries: { key: ExpectedValue; value: ExpectedValue }[] }).entries) {
        map.set(fromExpected(e.key) as string, fromExpected(e.value) as CelInput);
      }
      return celMap(map);
    }
    default:
      return value;
  }
}

function jsonBigint(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
