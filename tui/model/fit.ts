/**
 * `text` cut or padded to exactly `width` columns, with `…` where it was cut.
 * Every line the TUI draws goes through it, so a frame never wraps and rows
 * stay rows at any terminal width. (Counts UTF-16 units: identities, YAML
 * and the TUI's own glyphs are all one column each.)
 */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = text.replace(/\t/g, '  ');
  if (flat.length > width) return width === 1 ? '…' : flat.slice(0, width - 1) + '…';
  return flat + ' '.repeat(width - flat.length);
}

/**
 * `text` cut to at most `width` columns, not padded: for lines in a box of
 * fixed width, where padding would only be more characters for Ink to
 * measure on every frame.
 */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = text.replace(/\t/g, '  ');
  return flat.length > width ? (width === 1 ? '…' : flat.slice(0, width - 1) + '…') : flat;
}

/** Word-wraps `text` to lines of at most `width` columns (long words are cut). */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) return [];
  const out: string[] = [];
  for (const whole of text.split('\n')) {
    // keep a paragraph's indentation on every line it wraps to
    const indent = /^ */.exec(whole)![0].slice(0, Math.max(0, width - 1));
    const para = whole.slice(indent.length);
    const inner = width - indent.length;
    const start = out.length;
    let line = '';
    for (const word of para.split(' ')) {
      if (!line) line = word;
      else if (line.length + 1 + word.length <= inner) line += ' ' + word;
      else {
        out.push(line);
        line = word;
      }
      while (line.length > inner) {
        out.push(line.slice(0, inner));
        line = line.slice(inner);
      }
    }
    out.push(line);
    for (let i = start; i < out.length; i++) out[i] = indent + out[i];
  }
  return out;
}

/**
 * `text` cut from the LEFT (or padded) to exactly `width` columns, with `…`
 * where it was cut: for identities (`kind:namespace/name`), whose end — the
 * name — is what tells rows apart in a narrow column.
 */
export function fitLeft(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = text.replace(/\t/g, '  ');
  if (flat.length > width) return width === 1 ? '…' : '…' + flat.slice(flat.length - width + 1);
  return flat + ' '.repeat(width - flat.length);
}
