import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';

/**
 * A unified diff of two (already redacted, already cut to declared fields)
 * documents rendered as YAML; `''` when they render the same. Either side may
 * be absent (a create or a delete). Only called for changed objects: YAML
 * stringification is the expensive part of a diff.
 */
export function unifiedYamlDiff(id: string, observed: unknown, desired: unknown): string {
  const before = observed === undefined ? '' : toYaml(observed);
  const after = desired === undefined ? '' : toYaml(desired);
  if (before === after) return '';
  const text = createTwoFilesPatch(`observed/${id}`, `desired/${id}`, before, after, undefined, undefined, { context: 3 });
  // Drop the `Index:`/`===` preamble some versions print; keep from the `---` header on.
  const start = text.indexOf('--- ');
  return start > 0 ? text.slice(start) : text;
}

function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
