/**
 * Kubernetes resource quantities (apimachinery's `resource.Quantity`), compared
 * by value as `Quantity.Cmp` does: `1000m` = `1` = `1e3m`, `1024Mi` = `1Gi`,
 * `1000M` = `1G`, and `1Gi` ≠ `1G`. Exact: values are rationals over BigInt
 * (mantissa × 10^a × 2^b), no floating point. As `ParseQuantity` does, a value
 * finer than 1n is rounded up (away from zero) to the next nano.
 *
 * Grammar (apimachinery): `<sign>?<digits>(.<digits>)?<suffix>` where the
 * suffix is a binary SI one (Ki Mi Gi Ti Pi Ei), a decimal SI one (n u m "" k M
 * G T P E) or a decimal exponent (`e3`, `E-2`); `.5` and `5.` are numbers too.
 */
const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** An exact quantity: num / den. */
interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

export function isQuantity(text: string): boolean {
  return text.length <= 64 && QUANTITY.test(text) && parse(text) !== undefined;
}

function parse(text: string): Rational | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [int, frac = ''] = number.split('.');
  let num = BigInt((int || '0') + frac) * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(frac.length);
  let exp10 = 0;
  if (suffix in BINARY) num *= 2n ** BigInt(BINARY[suffix]);
  else if (suffix in DECIMAL) exp10 = DECIMAL[suffix];
  else {
    exp10 = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exp10) || Math.abs(exp10) > 1000) return undefined; // bounded work on hostile input
  }
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den *= 10n ** BigInt(-exp10);
  // round up (away from zero) to a whole number of nanos
  const nanos = num * 10n ** 9n;
  let q = nanos / den;
  if (q * den !== nanos) q += num < 0n ? -1n : 1n;
  return { num: q, den: 10n ** 9n };
}

/** A quantity written as a string or a JSON number; undefined when it is not one. */
export function quantityValue(v: unknown): Rational | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? parse(numberText(v)) : undefined;
  return typeof v === 'string' ? parse(v) : undefined;
}

/** -1, 0 or 1 as Quantity.Cmp; undefined when either is not a quantity. */
export function compareQuantities(a: unknown, b: unknown): number | undefined {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (!x || !y) return undefined;
  const l = x.num * y.den;
  const r = y.num * x.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

function numberText(v: number): string {
  const s = String(v);
  // JSON numbers like 1e+21: the grammar has no '+' after e in Number's output form otherwise
  return s.replace('e+', 'e');
}
