/**
 * Prometheus durations (`5m`, `1h30m`, `28d`, `1w`, `500ms`): units ms, s, m,
 * h, d (24 h), w (7 d), y (365 d), largest first, as PromQL writes them.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parsePromDuration(text: string): number | undefined {
  const re = /(\d+)(ms|y|w|d|h|m|s)/gy;
  if (!text) return undefined;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    at = re.lastIndex;
  }
  return at === text.length && total > 0 ? total : undefined;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/** Milliseconds → the shortest Prometheus duration that says it exactly (`300000` → `5m`). */
export function formatPromDuration(ms: number): string {
  let rest = Math.round(ms);
  if (rest <= 0) return '0s';
  let out = '';
  for (const unit of ['y', 'w', 'd', 'h', 'm', 's', 'ms']) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) { out += `${n}${unit}`; rest -= n * UNIT_MS[unit]; }
  }
  return out;
}
