import { isKubernetesSecret } from './secret-pointers.js';
import { isPlainObject, setOwn } from '../model/plain-object.js';

/**
 * The API server folds a Secret's `stringData` into base64 `data` and never
 * returns `stringData`. A desired Secret written with `stringData` is compared
 * the way the server will store it, or it would be drift forever.
 */
export function normalizeDesiredSecret(
  desired: Readonly<Record<string, unknown>>,
  observed: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> {
  if (!isKubernetesSecret(desired) || !isPlainObject(desired.stringData)) return desired;
  if (observed && Object.prototype.hasOwnProperty.call(observed, 'stringData')) return desired;
  const data: Record<string, unknown> = { ...(isPlainObject(desired.data) ? desired.data : {}) };
  for (const [k, v] of Object.entries(desired.stringData)) setOwn(data, k, Buffer.from(String(v), 'utf8').toString('base64'));
  const { stringData: _folded, ...rest } = desired;
  return { ...rest, data };
}
