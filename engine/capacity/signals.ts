import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { at, type Locate } from '../validate/place.js';
import { capacitySchema } from './capacity-schema.js';
import { toMilliseconds } from '../model/duration.js';
import type { CapacitySignal, CapacitySource } from './types.js';

/** The annotation a Kubernetes object declares its capacity signals in (YAML or JSON, the same list as `capacity:`). */
export const CAPACITY_ANNOTATION = 'plumb.io/capacity';
const ANNOTATION_POINTER = '/metadata/annotations/plumb.io~1capacity';

export const SIGNAL_DEFAULTS = {
  headroom: 0.2,
  horizonMs: 30 * 86_400_000,
  lookbackMs: 28 * 86_400_000,
  stepMs: 5 * 60_000,
  method: 'auto',
  anomalies: true,
} as const;

/** Prometheus refuses a query_range of more than 11,000 points per series; plumb splits longer ranges. */
const MAX_POINTS = 400_000;

interface RawSignal {
  name: string;
  usage: string;
  capacity: number | { query: string } | { field: string; scale?: number };
  headroom?: number;
  horizon?: string;
  lookback?: string;
  step?: string;
  method?: CapacitySignal['method'];
  anomalies?: boolean;
  unit?: string;
}

/** The declared list of a CI: `capacity:` of a plumb CI, the annotation of a Kubernetes object. */
function declared(ci: CI): { entries: unknown; pointer: string; annotation: boolean } | undefined {
  if (ci.kubernetes) {
    const text = ci.annotations[CAPACITY_ANNOTATION];
    if (text === undefined) return undefined;
    let entries: unknown;
    try {
      entries = parseYaml(text, { version: '1.2', schema: 'core', uniqueKeys: true, maxAliasCount: 0 });
    } catch {
      entries = Symbol.for('unparsable');
    }
    return { entries, pointer: ANNOTATION_POINTER, annotation: true };
  }
  const entries = (ci.object as { capacity?: unknown }).capacity;
  return entries === undefined ? undefined : { entries, pointer: '/capacity', annotation: false };
}

let listValidator: ValidateFunction | undefined;
function validateList(value: unknown): boolean {
  listValidator ??= new Ajv({ allErrors: false, strict: false }).compile(capacitySchema());
  return listValidator(value) as boolean;
}

/**
 * The capacity signals of a CI with their defaults filled in. Entries that do
 * not pass the schema are skipped (validation reports them: `checkCapacity`).
 */
export function signalsOf(ci: CI): CapacitySignal[] {
  const found = declared(ci);
  if (!found || !Array.isArray(found.entries)) return [];
  const out: CapacitySignal[] = [];
  const names = new Set<string>();
  found.entries.forEach((entry, i) => {
    if (!validateList([entry])) return;
    const raw = entry as RawSignal;
    if (names.has(raw.name)) return;
    names.add(raw.name);
    const capacity = capacitySource(raw.capacity);
    out.push({
      ci: ci.id,
      name: raw.name,
      usage: raw.usage,
      capacity,
      headroom: raw.headroom ?? SIGNAL_DEFAULTS.headroom,
      horizonMs: (raw.horizon && toMilliseconds(raw.horizon)) || SIGNAL_DEFAULTS.horizonMs,
      lookbackMs: (raw.lookback && toMilliseconds(raw.lookback)) || SIGNAL_DEFAULTS.lookbackMs,
      stepMs: (raw.step && toMilliseconds(raw.step)) || SIGNAL_DEFAULTS.stepMs,
      method: raw.method ?? SIGNAL_DEFAULTS.method,
      anomalies: raw.anomalies ?? SIGNAL_DEFAULTS.anomalies,
      ...(raw.unit ? { unit: raw.unit } : {}),
      pointer: found.annotation ? found.pointer : `/capacity/${i}`,
    });
  });
  return out;
}

function capacitySource(raw: RawSignal['capacity']): CapacitySource {
  if (typeof raw === 'number') return { value: raw };
  if ('query' in raw) return { query: raw.query };
  return { field: raw.field, scale: raw.scale ?? 1 };
}

/** The value of a `{field}` capacity in the CI's document, or why there is none. */
export function fieldCapacity(ci: CI, field: string, scale: number): number | { error: string } {
  let node: unknown = ci.object;
  for (const key of field.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) {
      return { error: `${ci.id} has no field ${field}` };
    }
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node !== 'number' || !(node > 0)) return { error: `${ci.id} field ${field} is not a positive number` };
  return node * scale;
}

/**
 * Validation of capacity blocks beyond the kind schema (which checks a plumb
 * CI's `capacity:` list): the annotation of Kubernetes objects against the
 * same schema, signal names unique within a CI, a `{field}` capacity that names
 * a positive number of the CI, and lookback/step within what a query may ask
 * for. Codes: `capacity.invalid`, `capacity.duplicate-signal`,
 * `capacity.field-missing`, `capacity.range-too-large`.
 */
export function checkCapacity(cis: readonly CI[], locate: Locate): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const ci of cis) {
    const found = declared(ci);
    if (!found) continue;
    if (found.annotation && !validateList(found.entries)) {
      diagnostics.push(at(locate, {
        code: 'capacity.invalid',
        message: `annotation ${CAPACITY_ANNOTATION} is not a valid list of capacity signals`,
        hint: 'write it as YAML or JSON, e.g. "[{name: cpu, usage: \'sum(rate(container_cpu_usage_seconds_total{pod=~\\"api-.*\\"}[5m]))\', capacity: 8}]" (schemas/capacity.schema.json)',
        ci,
        pointer: found.pointer,
      }));
      continue;
    }
    if (!Array.isArray(found.entries)) continue;
    const seen = new Set<string>();
    found.entries.forEach((entry, i) => {
      if (!validateList([entry])) return; // the kind schema reports it
      const raw = entry as RawSignal;
      const pointer = found.annotation ? found.pointer : `/capacity/${i}`;
      if (seen.has(raw.name)) {
        diagnostics.push(at(locate, { code: 'capacity.duplicate-signal', message: `${ci.id} declares capacity signal ${raw.name} twice`, hint: 'give each signal of a CI its own name', ci, pointer: found.annotation ? pointer : `${pointer}/name` }));
      }
      seen.add(raw.name);
      if (typeof raw.capacity === 'object' && 'field' in raw.capacity) {
        const value = fieldCapacity(ci, raw.capacity.field, raw.capacity.scale ?? 1);
        if (typeof value === 'object') {
          diagnostics.push(at(locate, { code: 'capacity.field-missing', message: `capacity signal ${raw.name}: ${value.error}`, hint: 'name a field of this CI holding a positive number (e.g. spec.storageGb), or give the capacity as a number or {query}', ci, pointer: found.annotation ? pointer : `${pointer}/capacity/field` }));
        }
      }
      const lookback = (raw.lookback && toMilliseconds(raw.lookback)) || SIGNAL_DEFAULTS.lookbackMs;
      const step = (raw.step && toMilliseconds(raw.step)) || SIGNAL_DEFAULTS.stepMs;
      if (lookback / step > MAX_POINTS) {
        diagnostics.push(at(locate, { code: 'capacity.range-too-large', message: `capacity signal ${raw.name} asks for ${Math.round(lookback / step)} samples (lookback / step); at most ${MAX_POINTS}`, hint: 'shorten the lookback or lengthen the step', ci, pointer: found.annotation ? pointer : `${pointer}/step` }));
      }
    });
  }
  return diagnostics;
}

/** At most this many samples per signal (lookback / step). */
export const MAX_SIGNAL_POINTS = MAX_POINTS;
