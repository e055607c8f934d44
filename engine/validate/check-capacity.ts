import {
  CAPACITY_ANNOTATION,
  declaredSignals,
  fieldCapacity,
  MAX_SIGNAL_POINTS,
  SIGNAL_DEFAULTS,
  validateSignalList,
  type RawSignal,
} from '../capacity/signals.js';
import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { toMilliseconds } from '../model/duration.js';
import { at, type Locate } from './place.js';
import { COMPLEX_KEY_HINT, COMPLEX_KEY_MESSAGE } from '../yaml/yaml-documents.js';

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
    const found = declaredSignals(ci);
    if (!found) continue;
    if (found.problem?.code === 'yaml.complex-key') {
      // the annotation's own text has a collection as a mapping key: the inventory's rule, at the annotation
      diagnostics.push(
        at(locate, {
          code: 'yaml.complex-key',
          message: `annotation ${CAPACITY_ANNOTATION}: ${COMPLEX_KEY_MESSAGE} (line ${found.problem.line}, column ${found.problem.column} of its text)`,
          hint: COMPLEX_KEY_HINT,
          ci,
          pointer: found.pointer,
        }),
      );
      continue;
    }
    if (found.annotation && !validateSignalList(found.entries)) {
      diagnostics.push(
        at(locate, {
          code: 'capacity.invalid',
          message: `annotation ${CAPACITY_ANNOTATION} is not a valid list of capacity signals`,
          hint: 'write it as YAML or JSON, e.g. "[{name: cpu, usage: \'sum(rate(container_cpu_usage_seconds_total{pod=~\\"api-.*\\"}[5m]))\', capacity: 8}]" (schemas/capacity.schema.json)',
          ci,
          pointer: found.pointer,
        }),
      );
      continue;
    }
    if (!Array.isArray(found.entries)) continue;
    const seen = new Set<string>();
    found.entries.forEach((entry, i) => {
      if (!validateSignalList([entry])) return; // the kind schema reports it
      const raw = entry as RawSignal;
      const pointer = found.annotation ? found.pointer : `/capacity/${i}`;
      if (seen.has(raw.name)) {
        diagnostics.push(
          at(locate, {
            code: 'capacity.duplicate-signal',
            message: `${ci.id} declares capacity signal ${raw.name} twice`,
            hint: 'give each signal of a CI its own name',
            ci,
            pointer: found.annotation ? pointer : `${pointer}/name`,
          }),
        );
      }
      seen.add(raw.name);
      if (typeof raw.capacity === 'object' && 'field' in raw.capacity) {
        const value = fieldCapacity(ci, raw.capacity.field, raw.capacity.scale ?? 1);
        if (typeof value === 'object') {
          diagnostics.push(
            at(locate, {
              code: 'capacity.field-missing',
              message: `capacity signal ${raw.name}: ${value.error}`,
              hint: 'name a field of this CI holding a positive number (e.g. spec.storageGb), or give the capacity as a number or {query}',
              ci,
              pointer: found.annotation ? pointer : `${pointer}/capacity/field`,
            }),
          );
        }
      }
      const lookback = (raw.lookback && toMilliseconds(raw.lookback)) || SIGNAL_DEFAULTS.lookbackMs;
      const step = (raw.step && toMilliseconds(raw.step)) || SIGNAL_DEFAULTS.stepMs;
      if (lookback / step > MAX_SIGNAL_POINTS) {
        diagnostics.push(
          at(locate, {
            code: 'capacity.range-too-large',
            message: `capacity signal ${raw.name} asks for ${Math.round(lookback / step)} samples (lookback / step); at most ${MAX_SIGNAL_POINTS}`,
            hint: 'shorten the lookback or lengthen the step',
            ci,
            pointer: found.annotation ? pointer : `${pointer}/step`,
          }),
        );
      }
    });
  }
  return diagnostics;
}
