import { describe, expect, it } from 'vitest';
import { CelCompileError, CelEvalError, compileCel, evaluateCel } from '../../../engine/policy/cel.js';
import { celTimestamp, fromCelValue, toCelInput } from '../../../engine/policy/cel-values.js';

/** Compiles and evaluates with plain data converted the way policies convert CIs, back to plain JS. */
function run(expr: string, data: Record<string, unknown> = {}): unknown {
  const program = compileCel(expr);
  if (program instanceof CelCompileError) return `compile error: ${program.message}`;
  const bindings = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, toCelInput(v)]));
  const value = evaluateCel(program, bindings);
  return value instanceof CelEvalError ? `error: ${value.message}` : fromCelValue(value);
}

describe('the CEL adapter', () => {
  it('a mapping whose keys a user chose as constructor, toString, $typeName or __proto__ is a map like any other', () => {
    // the library took {constructor: …} for a non-plain object ('Unsupported input') and {$typeName: …} for a protobuf message
    const labels = { constructor: 'yes', toString: 'x', valueOf: 'v', hasOwnProperty: 'h', $typeName: 't', __proto__x: 'p' };
    const object = { metadata: { labels, annotations: JSON.parse('{"__proto__": "p", "n": 1}') }, spec: { nested: { constructor: { replicas: 2 } } } };
    expect(run("object.metadata.labels.constructor + object.metadata.labels.toString + object.metadata.labels['$typeName']", { object })).toBe('yesxt');
    expect(run("'constructor' in object.metadata.labels && has(object.metadata.labels.valueOf) && size(object.metadata.labels) == 6", { object })).toBe(true);
    expect(run("object.metadata.labels.exists(k, k == 'hasOwnProperty')", { object })).toBe(true);
    expect(run('object.spec.nested.constructor.replicas + 1', { object })).toBe(3);
    expect(run("object.metadata.annotations['__proto__'] + string(object.metadata.annotations.n + 1)", { object })).toBe('p2');
    expect(
      run('object.metadata.labels == {"constructor": "yes", "toString": "x", "valueOf": "v", "hasOwnProperty": "h", "$typeName": "t", "__proto__x": "p"}', {
        object,
      }),
    ).toBe(true);
    expect(run('object.spec.nested', { object })).toEqual({ constructor: { replicas: 2 } });
  });
  it('YAML integers are CEL ints and other numbers doubles, so arithmetic and size() comparisons work', () => {
    const object = { spec: { replicas: 3, cpu: 0.5, ports: [80, 443] } };
    expect({
      compare: run('object.spec.replicas > 2', { object }),
      add: run('object.spec.replicas + 1', { object }),
      size: run('size(object.spec.ports) <= object.spec.replicas', { object }),
      double: run('object.spec.cpu * 2.0', { object }),
      mixed: run('object.spec.cpu < object.spec.replicas', { object }),
      inList: run('443 in object.spec.ports', { object }),
    }).toEqual({ compare: true, add: 4, size: true, double: 1, mixed: true, inList: true });
  });

  it('maps, has(), macros and string functions behave as in Kubernetes CEL', () => {
    const object = { metadata: { name: 'orders-db', labels: { env: 'prod' } }, relations: [{ type: 'runsOn' }, { type: 'backedUpBy' }] };
    expect({
      has: run('has(object.metadata.owner)', { object }),
      hasLabel: run("'env' in object.metadata.labels", { object }),
      exists: run("object.relations.exists(r, r.type == 'backedUpBy')", { object }),
      all: run("object.relations.all(r, r.type.startsWith('r'))", { object }),
      map: run('object.relations.map(r, r.type)', { object }),
      filter: run("size(object.relations.filter(r, r.type.endsWith('On')))", { object }),
      strings: run("object.metadata.name.split('-').join('_').upperAscii()", { object }),
      matches: run("object.metadata.name.matches('^[a-z-]+$')", { object }),
    }).toEqual({ has: false, hasLabel: true, exists: true, all: false, map: ['runsOn', 'backedUpBy'], filter: 1, strings: 'ORDERS_DB', matches: true });
  });

  it('timestamps: a Date is a CEL timestamp, read in UTC unless a time zone is named', () => {
    const now = celTimestamp(new Date('2026-06-15T07:30:00Z'));
    const program = compileCel("[now.getHours(), now.getHours('Asia/Tokyo'), now.getDayOfWeek(), now.getMinutes()]");
    expect(program).not.toBeInstanceOf(CelCompileError);
    const value = evaluateCel(program as Exclude<typeof program, CelCompileError>, { now });
    expect(fromCelValue(value as never)).toEqual([7, 16, 1, 30]);
    expect(run("timestamp('2026-06-15T07:30:00Z') + duration('1h30m')")).toEqual('2026-06-15T09:00:00.000Z');
  });

  it('logic absorbs errors the way the spec says: false && error is false, true || error is true', () => {
    const object = { spec: {} };
    expect({
      and: run('false && object.spec.missing == 1', { object }),
      or: run('object.spec.missing == 1 || true', { object }),
      error: run('object.spec.missing == 1 || false', { object }),
    }).toEqual({ and: false, or: true, error: 'error: field not found: missing' });
  });

  it('a syntax error comes back with its position in the expression, never as a throw', () => {
    const error = compileCel("object.metadata.name == 'x' &&");
    expect(error).toBeInstanceOf(CelCompileError);
    expect({ code: (error as CelCompileError).code, line: (error as CelCompileError).line, column: (error as CelCompileError).column }).toEqual({
      code: 'policy.cel-compile',
      line: 1,
      column: 29,
    });
  });

  it('with declared variables, an unknown name is a compile error; macros’ own variables are fine', () => {
    const variables = ['object', 'relations'];
    expect(compileCel("relations.exists(r, r.type == 'x') && object.kind == 'A'", { variables })).not.toBeInstanceOf(CelCompileError);
    expect((compileCel('objct.kind', { variables }) as CelCompileError).message).toBe("undeclared reference to 'objct'");
    expect((compileCel('frobnicate(object)', { variables }) as CelCompileError).message).toBe("unknown function 'frobnicate'");
  });

  it('variables are read only when evaluation reaches them', () => {
    let reads = 0;
    const bindings = {
      get expensive() {
        reads++;
        return toCelInput({ n: 1 });
      },
      cheap: true,
    };
    const program = compileCel('cheap || expensive.n == 1');
    evaluateCel(program as Exclude<typeof program, CelCompileError>, bindings);
    expect(reads).toBe(0);
  });

  it('conversion is copy-on-write: subtrees without numbers are shared, not copied', () => {
    const labels = { env: 'prod' };
    const doc = { metadata: { labels }, spec: { replicas: 2 } };
    const converted = toCelInput(doc) as unknown as typeof doc;
    expect(converted.metadata).toBe(doc.metadata);
    expect(converted.spec).toEqual({ replicas: 2n });
    expect(doc.spec.replicas).toBe(2);
  });
});
