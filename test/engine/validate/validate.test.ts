import { describe, expect, it } from 'vitest';
import { validateRepository } from '../../../engine/validate/validate.js';
import { ci, kindSchema, makeRepo } from '../../helpers/make-repo.js';

const schemas = [
  kindSchema('Database', {
    type: 'object',
    required: ['engine'],
    additionalProperties: false,
    properties: { engine: { enum: ['postgres', 'mysql'] }, port: { type: 'integer' }, password: { type: 'string', 'x-plumb-secret': true } },
  }),
  kindSchema('Host'),
  kindSchema('Application'),
  kindSchema('Group'),
];

const codes = (repo: ReturnType<typeof makeRepo>) => validateRepository(repo).diagnostics.map((d) => `${d.code} ${d.ci} ${d.line}:${d.column}`);

describe('validateRepository', () => {
  it('accepts a consistent inventory and builds its graph', () => {
    const repo = makeRepo({
      schemas,
      cis: [
        ci({
          kind: 'Database',
          name: 'orders-db',
          namespace: 'shop',
          spec: { engine: 'postgres' },
          owner: 'group:dba',
          relations: [{ type: 'runsOn', target: 'host:db-1' }],
        }),
        ci({ kind: 'Host', name: 'db-1', namespace: 'shop' }),
        ci({ kind: 'Group', name: 'dba', namespace: 'shop' }),
      ],
    });
    const { graph, diagnostics } = validateRepository(repo);
    expect(diagnostics).toEqual([]);
    expect(graph.order).toBe(3);
    expect(graph.mapEdges((_e, a, s, t) => `${s} ${a.type} ${t}`)).toEqual(['database:shop/orders-db runsOn host:shop/db-1']);
  });

  it('reports an unknown kind with the known kinds and a did-you-mean', () => {
    const repo = makeRepo({ schemas, cis: [ci({ kind: 'Databse', name: 'x' })] });
    expect(validateRepository(repo).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'kind.unknown',
        message: 'unknown kind "Databse" (did you mean "Database"?)',
        hint: 'known kinds: Application, Database, Group, Host; add schemas/Databse.schema.json to define a new kind',
        file: 'inventory/databse-x.yaml',
        line: 2,
        column: 3,
        ci: 'databse:default/x',
      },
    ]);
  });

  it('maps every schema violation to the field at fault, never quoting the value', () => {
    const repo = makeRepo({
      schemas,
      cis: [ci({ kind: 'Database', name: 'db', spec: { engine: 'oracle', port: 'x', password: 12345, colour: 'red' } })],
    });
    const diagnostics = validateRepository(repo).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      // one position: by message, in code-unit order ('/' before ':')
      ['schema.violation', 'Database /spec/engine must be one of "postgres", "mysql"', 3],
      ['schema.violation', 'Database /spec/password must be string', 3],
      ['schema.violation', 'Database /spec/port must be integer', 3],
      ['schema.violation', 'Database /spec: unknown field "colour"', 3],
    ]);
    expect(repo.located).toContain('inventory/database-db.yaml#/spec/colour');
    expect(JSON.stringify(diagnostics)).not.toContain('12345');
  });

  it('reports a kind schema that does not compile once, at the schema file', () => {
    const broken = { kind: 'Host', file: 'schemas/Host.schema.json', schema: { type: 'object', properties: { a: { type: 'no-such-type' } } } };
    const repo = makeRepo({ schemas: [broken], cis: [ci({ kind: 'Host', name: 'a' }), ci({ kind: 'Host', name: 'b' })] });
    const diagnostics = validateRepository(repo).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.file])).toEqual([['schema.invalid', 'schemas/Host.schema.json']]);
  });

  it('reports invalid names of plumb CIs', () => {
    const repo = makeRepo({ schemas, cis: [ci({ kind: 'Host', name: 'Web_01' }), ci({ kind: 'Host', name: 'a'.repeat(254) })] });
    const diagnostics = validateRepository(repo).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.hint])).toEqual([
      // by file, in code-unit order: inventory/host-Web_01.yaml before inventory/host-aaa….yaml
      ['name.invalid', 'rename it, e.g. "web-01"'],
      ['name.invalid', `rename it, e.g. "${'a'.repeat(253)}"`],
    ]);
  });

  it('reports a mistake once: the dedicated check wins over the schema pattern that also catches it', () => {
    const strict = kindSchema('Host');
    const properties = (strict.schema as { properties: Record<string, unknown> }).properties;
    properties.metadata = { properties: { name: { type: 'string', pattern: '^[a-z0-9-]+$' }, owner: { type: 'string', pattern: '^[a-z]+:[a-z/-]+$' } } };
    properties.relations = { items: { properties: { type: { enum: ['dependsOn', 'runsOn'] }, target: { pattern: '^[a-z]+:[a-z/-]+$' } } } };
    const repo = makeRepo({
      schemas: [strict],
      cis: [
        ci({
          kind: 'Host',
          name: 'Bad_Name',
          owner: 'nobody',
          relations: [
            { type: 'dependOn', target: 'host:a' },
            { type: 'runsOn', target: 'oops' },
          ],
        }),
        ci({ kind: 'Host', name: 'a', owner: 'group:x.y', relations: [{ type: 'ownedBy', target: 'host:a.b' }] }),
      ],
    });
    expect(validateRepository(repo).diagnostics.map((d) => `${d.ci} ${d.code}`)).toEqual([
      // one diagnostic per mistake: name, owner, unknown type, malformed target
      // (by file, in code-unit order: inventory/host-Bad_Name.yaml before inventory/host-a.yaml)
      'host:default/Bad_Name name.invalid',
      'host:default/Bad_Name ref.malformed',
      'host:default/Bad_Name ref.malformed',
      'host:default/Bad_Name relation.unknown-type',
      // valid for plumb, but this schema is stricter: its own violations stay (owner, type, target)
      'host:default/a ref.unresolved',
      'host:default/a schema.violation',
      'host:default/a ref.unresolved',
      'host:default/a schema.violation',
      'host:default/a schema.violation',
    ]);
  });

  it('names both places of a duplicate identity', () => {
    const repo = makeRepo({
      schemas,
      cis: [ci({ kind: 'Host', name: 'h', file: 'inventory/a.yaml', line: 10 }), ci({ kind: 'host', name: 'h', file: 'inventory/b.yaml', line: 20 })],
    });
    expect(validateRepository(repo).diagnostics.filter((d) => d.code !== 'kind.unknown')).toEqual([
      {
        severity: 'error',
        code: 'ci.duplicate',
        message: 'host:default/h is defined twice (first in inventory/a.yaml:12)',
        hint: 'rename one of them or delete the copy; identities are kind:namespace/name',
        file: 'inventory/b.yaml',
        line: 22,
        column: 5,
        ci: 'host:default/h',
        related: [{ file: 'inventory/a.yaml', line: 12, column: 5, message: 'first defined here' }],
      },
    ]);
  });

  it('reports unresolved, malformed and mistyped references, with suggestions', () => {
    const repo = makeRepo({
      schemas,
      cis: [
        ci({
          kind: 'Application',
          name: 'api',
          namespace: 'shop',
          owner: 'group:shop/platfrom',
          relations: [
            { type: 'runsOn', target: 'host:web-01' },
            { type: 'runsOn', target: 'hots:web-1' },
            { type: 'dependsOn', target: 'nonsense' },
            { type: 'dependOn', target: 'host:web-1' },
          ],
        }),
        ci({ kind: 'Host', name: 'web-1', namespace: 'shop' }),
        ci({ kind: 'Group', name: 'platform', namespace: 'shop' }),
      ],
    });
    expect(validateRepository(repo).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['ref.unresolved', 'reference "group:shop/platfrom" does not resolve: there is no group:shop/platfrom (did you mean "group:shop/platform"?)'],
      ['ref.malformed', '"nonsense" is not a reference'],
      ['ref.unresolved', 'reference "host:web-01" does not resolve: there is no host:shop/web-01 (did you mean "host:shop/web-1"?)'],
      ['ref.unresolved', 'reference "hots:web-1" does not resolve: there is no hots:shop/web-1 (did you mean "host:shop/web-1"?)'],
      ['relation.unknown-type', 'unknown relation type "dependOn" (did you mean "dependsOn"?)'],
    ]);
  });

  it('names a cycle in order, once, at the first CI; connectsTo may cycle', () => {
    const repo = makeRepo({
      schemas,
      cis: [
        ci({
          kind: 'Application',
          name: 'a',
          relations: [
            { type: 'dependsOn', target: 'application:b' },
            { type: 'connectsTo', target: 'application:c' },
          ],
        }),
        ci({ kind: 'Application', name: 'b', relations: [{ type: 'dependsOn', target: 'application:c' }] }),
        ci({
          kind: 'Application',
          name: 'c',
          relations: [
            { type: 'dependsOn', target: 'application:a' },
            { type: 'connectsTo', target: 'application:a' },
          ],
        }),
        ci({ kind: 'Application', name: 'd', relations: [{ type: 'partOf', target: 'application:d' }] }),
      ],
    });
    const diagnostics = validateRepository(repo).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.message, d.file, d.line])).toEqual([
      [
        'relation.cycle',
        'dependsOn cycle: application:default/a → application:default/b → application:default/c → application:default/a',
        'inventory/application-a.yaml',
        3,
      ],
      ['relation.cycle', 'partOf cycle: application:default/d → application:default/d', 'inventory/application-d.yaml', 3],
    ]);
    expect(diagnostics[0].related?.map((r) => r.message)).toEqual([
      'application:default/b dependsOn application:default/c',
      'application:default/c dependsOn application:default/a',
    ]);
  });

  it('checks Kubernetes objects with their own rules', () => {
    const k8s = (kind: string, name: string, extra: Record<string, unknown> = {}, namespace = 'shop') =>
      ci({ apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, name, namespace, extra });
    const repo = makeRepo({
      cis: [
        k8s('Service', '1api', { spec: { selector: { app: 'api', version: 2 } } }),
        k8s('Secret', 'creds', { data: { user: 'YWRtaW4=', password: 'not base64!' } }),
        k8s('Deployment', 'api', { spec: { template: { spec: { containers: [{ name: 'api' }, { image: 'x' }] } } } }),
        k8s('Deployment', 'empty', { spec: {} }),
        k8s('ConfigMap', 'cfg', {}, 'Shop_NS'),
      ],
    });
    const diagnostics = validateRepository(repo).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.ci, d.message])).toEqual([
      ['k8s.namespace-invalid', 'configmap:Shop_NS/cfg', 'namespace "Shop_NS" is not a valid DNS-1123 label'],
      ['k8s.field-required', 'deployment:shop/api', 'Deployment .spec.selector is required'],
      ['k8s.container-invalid', 'deployment:shop/api', 'containers[0] is missing image'],
      ['k8s.container-invalid', 'deployment:shop/api', 'containers[1] is missing name'],
      ['k8s.field-required', 'deployment:shop/empty', 'Deployment .spec.selector is required'],
      ['k8s.field-missing', 'deployment:shop/empty', 'Deployment has no pod spec at /spec/template/spec'],
      ['k8s.secret-base64', 'secret:shop/creds', 'Secret data key "password" is not valid base64'],
      ['k8s.name-invalid', 'service:shop/1api', 'Service name "1api" is not a valid DNS-1035 label'],
      ['k8s.selector-invalid', 'service:shop/1api', 'Service selector must be a map of label names to string values'],
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain('not base64!');
  });

  it('keeps the loader diagnostics and the good CIs beside a bad one', () => {
    const repo = makeRepo({
      schemas,
      diagnostics: [{ severity: 'error', code: 'yaml.syntax', message: 'bad yaml', file: 'inventory/broken.yaml', line: 3, column: 1 }],
      cis: [
        ci({ kind: 'Host', name: 'ok-1' }),
        ci({ kind: 'Hots', name: 'bad' }),
        ci({ kind: 'Host', name: 'ok-2', relations: [{ type: 'dependsOn', target: 'host:missing' }] }),
      ],
    });
    const { graph } = validateRepository(repo);
    expect(codes(repo)).toEqual(['yaml.syntax undefined 3:1', 'ref.unresolved host:default/ok-2 4:7', 'kind.unknown hots:default/bad 2:3']);
    expect(graph.order).toBe(3);
  });
});
