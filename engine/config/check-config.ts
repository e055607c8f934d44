import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { compileSchema, type SchemaValidator } from '../json-schema/compile-schema.js';
import { invalidReachEntry } from '../network/reach-policy.js';
import { ALLOW_OUTSIDE_REPOSITORY_ENV, leavesRepository, outsidePathsAllowed, repositoryPathSettings } from './repository-paths.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { plumbPackageDir } from './package-dir.js';
import { validateNotifications } from './notifications.js';
import { resolveConfig } from './resolve-config.js';
import { DEFAULT_CONFIG, type PlumbConfig } from './types.js';
import { escapePointerToken, parsePointer } from '../model/json-pointer.js';

/** plumb.yaml's name, where every configuration diagnostic points. */
const CONFIG_FILE = 'plumb.yaml';

/** A position in plumb.yaml. */
export type ConfigPosition = { file: string; line: number; column: number };

/**
 * Where a JSON Pointer into plumb.yaml's value is in its text: `value` for the
 * node it names (or its nearest existing ancestor), `key` for the key of the
 * mapping entry it names (an unknown setting), when there is one.
 */
export interface ConfigLocator {
  value(pointer: string): ConfigPosition;
  key(pointer: string): ConfigPosition | undefined;
}

/**
 * Checks plumb.yaml's value (parsed already) and fills defaults: the schema,
 * the notifications and network rules, paths that leave the repository, the
 * default target. A broken section is reported (`config.invalid` at its
 * position, from `locate`) and replaced by its default. Positions are asked of
 * `locate` only for a diagnostic, so a caller that parsed without positions can
 * check first and parse for positions only when something is wrong.
 */
export function checkConfigValue(value: unknown, locate: ConfigLocator): { config: PlumbConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    diagnostics.push({
      severity: 'error',
      code: 'config.invalid',
      message: 'plumb.yaml is not a mapping',
      hint: 'write plumb.yaml as a mapping of settings (inventory, policies, targets…)',
      ...locate.value(''),
    });
    return { config: { ...DEFAULT_CONFIG, file: CONFIG_FILE }, diagnostics };
  }
  const raw = value as Record<string, any>;
  const broken = new Set<string>();
  if (!validator()(raw)) {
    for (const error of validator().errors ?? []) {
      // a `not` of a string pattern says nothing more about a value of the wrong type (reported already)
      if (error.keyword === 'not' && typeof error.data !== 'string') continue;
      const pointer = errorPointer(error);
      broken.add(parsePointer(pointer)[0] ?? '');
      diagnostics.push(inlineMetricsCredential(pointer, locate.value(pointer)) ?? schemaDiagnostic(error, pointer, locate));
    }
  }
  if (!broken.has('notifications') && raw.notifications !== undefined) {
    // the section's own rules (destinations, secrets only from env or files) beyond its schema
    const checked = validateNotifications(raw.notifications, (p) => locate.value('/notifications' + p));
    diagnostics.push(...checked.diagnostics);
    if (hasErrors(checked.diagnostics)) broken.add('notifications');
  }
  const network = (raw as Record<string, unknown>).network as { allow?: unknown[]; deny?: unknown[] } | undefined;
  if (!broken.has('network') && network) {
    for (const list of ['allow', 'deny'] as const) {
      (network[list] ?? []).forEach((entry, i) => {
        const problem = typeof entry === 'string' ? invalidReachEntry(entry) : 'not a string';
        if (!problem) return;
        broken.add('network');
        diagnostics.push({
          severity: 'error',
          code: 'config.invalid',
          message: `network.${list}[${i}]: ${problem}`,
          hint: 'write an IP address (10.0.0.5), a CIDR range (10.0.0.0/8) or a host name (hooks.example.com, *.example.com)',
          ...locate.value(`/network/${list}/${i}`),
        });
      });
    }
  }
  if (!outsidePathsAllowed()) {
    for (const setting of repositoryPathSettings(raw as Record<string, unknown>)) {
      if (broken.has(setting.section) || !leavesRepository(setting.path)) continue;
      broken.add(setting.section);
      diagnostics.push({
        severity: 'error',
        code: 'config.path-outside-repository',
        message: `${setting.pointer.slice(1).replace(/\//g, '.')} names a path outside the repository`,
        hint: `use a path inside the repository; an operator can allow outside paths with ${ALLOW_OUTSIDE_REPOSITORY_ENV}=1 (docs/security.md)`,
        ...locate.value(setting.pointer),
      });
    }
  }
  const targets = (raw.targets ?? {}) as Record<string, unknown>;
  // a defaultTarget cannot be judged against broken targets: it falls back with them
  if (broken.has('targets')) broken.add('defaultTarget');
  else if (typeof raw.defaultTarget === 'string' && !Object.hasOwn(targets, raw.defaultTarget)) {
    broken.add('defaultTarget');
    diagnostics.push({
      severity: 'error',
      code: 'config.unknown-target',
      message: `defaultTarget names no target: ${raw.defaultTarget}`,
      hint: `use one of the targets in plumb.yaml (${Object.keys(targets).join(', ') || 'none defined'})`,
      ...locate.value('/defaultTarget'),
    });
  }
  const kept = Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([k]) => !broken.has(k)));
  return { config: resolveConfig(kept, CONFIG_FILE), diagnostics };
}

/**
 * `metrics:` keys people write for a credential (`bearerToken`, `password`, an
 * Authorization header): `config.inline-secret` — whose excerpt is never shown —
 * rather than "unknown setting" with the line and its secret printed under it.
 */
function inlineMetricsCredential(pointer: string, position: { file: string; line: number; column: number }): Diagnostic | undefined {
  if (!/^\/metrics\/(bearerToken|token|password|basicAuth\/password|headers\/[Aa]uthorization)$/.test(pointer)) return undefined;
  const key = pointer.slice('/metrics/'.length).replace(/\//g, '.');
  return {
    severity: 'error',
    code: 'config.inline-secret',
    message: `metrics.${key} holds a credential in plumb.yaml`,
    hint: 'never commit secrets: use bearerTokenFile or bearerTokenEnv (basicAuth: passwordFile or passwordEnv)',
    ...position,
  };
}

let compiled: SchemaValidator | undefined;
function validator() {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(join(plumbPackageDir(), 'schemas', 'config.schema.json'), 'utf8'));
    compiled = compileSchema('config', schema);
  }
  return compiled;
}

/** The pointer of the offending node: for an unknown key, the key itself. */
function errorPointer(error: ErrorObject): string {
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  return extra === undefined ? error.instancePath : `${error.instancePath}/${escapePointerToken(extra)}`;
}

function schemaDiagnostic(error: ErrorObject, pointer: string, locate: ConfigLocator): Diagnostic {
  const where = pointer ? pointer.slice(1).split('/').join('.') : 'plumb.yaml';
  const extra = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  const message =
    extra.additionalProperty !== undefined
      ? `unknown setting ${where}`
      : extra.allowedValues
        ? `${where} must be one of ${extra.allowedValues.join(', ')}`
        : error.keyword === 'not' && typeof (error.parentSchema as { description?: unknown } | undefined)?.description === 'string'
          ? // "must NOT be valid" names no rule: say what the setting must be (its description)
            `${where} must be ${lowerFirst(String((error.parentSchema as { description: string }).description).replace(/\.$/, ''))}`
          : `${where} ${error.message ?? 'is invalid'}`;
  return {
    severity: 'error',
    code: 'config.invalid',
    message,
    hint: 'see schemas/config.schema.json for the settings plumb.yaml accepts; the default is used meanwhile',
    // for an unknown key, its key; otherwise the value
    ...((extra.additionalProperty !== undefined ? locate.key(pointer) : undefined) ?? locate.value(pointer)),
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
