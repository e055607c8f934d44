/**
 * Kubernetes field paths as the API server writes them in errors and conflicts
 * (structured-merge-diff's notation): `.spec.replicas`,
 * `.spec.template.spec.containers[name="main"].ports[containerPort=80,protocol="TCP"]`,
 * `.metadata.finalizers[="x"]`, `.spec.args[2]`; validation errors write the
 * same without the leading dot and with `[0]` indexes.
 */
type Step = { key: string } | { index: number } | { match: Record<string, unknown> } | { value: unknown };

/** Parses a field path into steps; undefined when it is not one. */
export function parseFieldPath(path: string): Step[] | undefined {
  const steps: Step[] = [];
  let i = path.startsWith('.') ? 1 : 0;
  while (i < path.length) {
    if (path[i] === '[') {
      const end = closing(path, i);
      if (end < 0) return undefined;
      const inner = path.slice(i + 1, end);
      if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (inner.startsWith('=')) steps.push({ value: scalar(inner.slice(1)) });
      else {
        const match: Record<string, unknown> = {};
        for (const part of splitTop(inner)) {
          const eq = part.indexOf('=');
          if (eq <= 0) return undefined;
          match[part.slice(0, eq)] = scalar(part.slice(eq + 1));
        }
        steps.push({ match });
      }
      i = end + 1;
      if (path[i] === '.') i++;
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    if (j === i) return undefined;
    steps.push({ key: path.slice(i, j) });
    i = path[j] === '.' ? j + 1 : j;
  }
  return steps;
}

/**
 * The JSON Pointer of the deepest node of `doc` that `path` reaches (list-map
 * entries found by their keys), e.g. `/spec/template/spec/containers/0/ports`.
 * Stops where the document does not have the next step, so a missing field is
 * placed at its parent.
 */
export function fieldPathPointer(doc: unknown, path: string): string {
  const steps = parseFieldPath(path) ?? [];
  const out: string[] = [];
  let node = doc;
  for (const s of steps) {
    let next: string | undefined;
    if ('key' in s) next = isObject(node) && s.key in node ? s.key : undefined;
    else if (!Array.isArray(node)) next = undefined;
    else if ('index' in s) next = s.index < node.length ? String(s.index) : undefined;
    else if ('value' in s) next = indexOf(node, (e) => e === s.value);
    else next = indexOf(node, (e) => isObject(e) && Object.entries(s.match).every(([k, v]) => e[k] === v || String(e[k]) === String(v)));
    if (next === undefined) break;
    out.push(next.replace(/~/g, '~0').replace(/\//g, '~1'));
    node = (node as Record<string, unknown>)[next];
  }
  return out.length ? `/${out.join('/')}` : '';
}

function indexOf(list: unknown[], test: (e: unknown) => boolean): string | undefined {
  const i = list.findIndex(test);
  return i < 0 ? undefined : String(i);
}
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function scalar(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
/** The index of the `]` closing the `[` at `start`, skipping quoted strings. */
function closing(path: string, start: number): number {
  let quoted = false;
  for (let i = start + 1; i < path.length; i++) {
    const c = path[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ']') return i;
  }
  return -1;
}
/** Splits `a=1,b="x,y"` at top-level commas. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}
