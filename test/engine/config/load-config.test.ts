import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadConfig } from '../../../engine/config/load-config.js';
import { parseConfigText } from '../../../engine/config/parse-config.js';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';

const fixture = (name: string) => resolve('test/fixtures', name);
const SCHEMA_HINT = 'see schemas/config.schema.json for the settings plumb.yaml accepts; the default is used meanwhile';

describe('finding the repository root', () => {
  it('walks up to the nearest directory holding plumb.yaml', async () => {
    expect(await findRepoRoot(join(fixture('load-config-overrides'), 'inventory/deep/er'))).toBe(fixture('load-config-overrides'));
  });

  it('finds none when no plumb.yaml is above the start directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-noconfig-'));
    expect(await findRepoRoot(dir)).toBeUndefined();
  });
});

describe('loading plumb.yaml', () => {
  it('uses the defaults of docs/architecture.md when there is no plumb.yaml', async () => {
    expect(await loadConfig({ root: fixture('load-bad-inputs/inventory') })).toEqual({ config: DEFAULT_CONFIG, diagnostics: [] });
  });

  it('overrides what plumb.yaml says and keeps the defaults for the rest, field by field', async () => {
    expect(await loadConfig({ root: fixture('load-config-overrides') })).toEqual({
      config: {
        ...DEFAULT_CONFIG,
        inventory: ['cmdb/**/*.yaml', 'k8s/*.{yaml,yml}'],
        targets: { prod: { provider: 'kubernetes', context: 'prod-eu', select: { namespaces: ['shop'] } } },
        defaultTarget: 'prod',
        backup: { store: 'git', path: '.plumb/backups.git' },
        limits: { maxFileBytes: 4 * 1024 * 1024, maxAliases: 5 },
        sync: { policy: 'automated', selfHeal: false, prune: false },
        file: 'plumb.yaml',
      },
      diagnostics: [],
    });
  });

  it('reports each invalid setting at its line and falls back to the default for it', async () => {
    expect(await loadConfig({ root: fixture('load-config-invalid') })).toEqual({
      config: {
        ...DEFAULT_CONFIG,
        inventory: ['inventory/**/*.yaml'],
        limits: { maxFileBytes: 1000, maxAliases: 100 },
        file: 'plumb.yaml',
      },
      diagnostics: [
        { severity: 'error', code: 'config.invalid', message: 'unknown setting polices', hint: SCHEMA_HINT, file: 'plumb.yaml', line: 2, column: 1 },
        {
          severity: 'error',
          code: 'config.invalid',
          message: 'targets.lab.provider must be one of snapshot, file, exec, kubernetes, endpoint, host',
          hint: SCHEMA_HINT,
          file: 'plumb.yaml',
          line: 5,
          column: 15,
        },
        {
          severity: 'error',
          code: 'config.invalid',
          message: 'sync.policy must be one of manual, automated',
          hint: SCHEMA_HINT,
          file: 'plumb.yaml',
          line: 8,
          column: 11,
        },
      ],
    });
  });

  it('reports a defaultTarget that names no target', () => {
    expect(parseConfigText('targets:\n  prod: {provider: snapshot}\ndefaultTarget: staging\n').diagnostics).toEqual([
      {
        severity: 'error',
        code: 'config.unknown-target',
        message: 'defaultTarget names no target: staging',
        hint: 'use one of the targets in plumb.yaml (prod)',
        file: 'plumb.yaml',
        line: 3,
        column: 16,
      },
    ]);
  });

  it('reports yaml errors in plumb.yaml with their position and uses the defaults', async () => {
    const read = async () => 'inventory: [a\nlimits:\n  maxAliases: 1\n  maxAliases: 2\n';
    const { config, diagnostics } = await loadConfig({ root: '/nowhere', read });
    expect(config).toEqual({ ...DEFAULT_CONFIG, file: 'plumb.yaml' });
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['yaml.syntax', 2, 1],
      ['yaml.duplicate-key', 4, 3],
    ]);
  });

  it('reads plumb.yaml through the reader it is given (a git revision)', async () => {
    const asked: string[] = [];
    const read = async (path: string) => {
      asked.push(path);
      return new TextEncoder().encode('policies: ["rules/*.yaml"]\n');
    };
    const { config } = await loadConfig({ root: '/nowhere', read });
    expect({ asked, policies: config.policies }).toEqual({ asked: ['plumb.yaml'], policies: ['rules/*.yaml'] });
  });

  it('says what a path setting must be when it leaves the repository, once per value, at its line', () => {
    const { diagnostics } = parseConfigText('inventory: ["apps/**"]\nrender:\n  kustomizations: ["../../etc"]\n  releases:\n    - chart: 5\n');
    expect(diagnostics.map((d) => [d.message, d.line, d.column])).toEqual([
      ['render.kustomizations.0 must be a path relative to the repository root (no leading /, no ..)', 3, 20],
      ['render.releases.0.chart must be string', 5, 14],
    ]);
  });
});
