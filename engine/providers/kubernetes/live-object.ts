/**
 * Live objects as plumb records them: without the fields the server owns and
 * changes on its own (status, managedFields, uid, resourceVersion, generation,
 * creationTimestamp, selfLink), so that a fingerprint changes only when the
 * object's configuration does, and a backup restores as a fresh object.
 */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

export function stripServerFields(object: Record<string, any>): Record<string, any> {
  const { status: _status, ...rest } = object;
  const metadata = { ...(rest.metadata ?? {}) };
  for (const f of SERVER_METADATA) delete metadata[f];
  if (metadata.annotations) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _last, ...annotations } = metadata.annotations;
    if (Object.keys(annotations).length) metadata.annotations = annotations;
    else delete metadata.annotations;
  }
  return { ...rest, metadata };
}

/** For restore: also drop ownerReferences (their uids belong to objects that may be gone). */
export function forRestore(object: Record<string, any>): Record<string, any> {
  const o = stripServerFields(object);
  const { ownerReferences: _o, ...metadata } = o.metadata;
  return { ...o, metadata };
}
