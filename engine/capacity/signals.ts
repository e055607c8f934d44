import { readYamlValue, YamlTextError } from '../yaml/yaml-documents.js';
import type { CI } from '../model/ci.js';
import { compileSchema, type SchemaValidator } from '../json-schema/compile-schema.js';
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

/** At most this many samples per signal (lookback / step); Prometheus answers 11,000 per request, plumb splits. */
const MAX_POINTS = 400_000;

/** A signal as written (after the schema). */
export interface RawSignal {
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
export function declaredSignals(ci: CI): { entries: unknown; pointer: string; annotation: boolean; problem?: YamlTextError } | undefined {
  if (ci.kubernetes) {
    const text = ci.annotations[CAPACITY_ANNOTATION];
    if (text === undefined) return undefined;
    try {
      return { entries: readYamlValue(text, { maxAliases: 0 }), pointer: ANNOTATION_POINTER, annotation: true };
    } catch (e) {
      if (!(e instanceof YamlTextError)) throw e;
      return { entries: Symbol.for('unparsable'), pointer: ANNOTATION_POINTER, annotation: true, problem: e };
    }
  }
  const entries = (ci.object as { capacity?: unknown }).capacity;
  return entries === undefined ? undefined : { entries, pointer: '/capacity', annotation: false };
}

let listValidator: SchemaValidator | undefined;
/** Does `value` pass schemas/capacity.schema.json (a list of signals)? */
export function validateSignalList(value: unknown): boolean {
  listValidator ??= compileSchema('capacity', capacitySchema());
  return listValidator(value) as boolean;
}

/**
 * The capacity signals of a CI with their defaults filled in. Entries that do
 * not pass the schema are skipped (validation reports them: `checkCapacity`).
 */
export function signalsOf(ci: CI): CapacitySignal[] {
  const found = declaredSignals(ci);
  if (!found || !Array.isArray(found.entries)) return [];
  const out: CapacitySignal[] = [];
  const names = new Set<string>();
  found.entries.forEach((entry, i) => {
    if (!validateSignalList([entry])) return;
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

/** At most this many samples per signal (lookback / step). */
export const MAX_SIGNAL_POINTS = MAX_POINTS;
