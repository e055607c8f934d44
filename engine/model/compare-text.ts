/**
 * Orders two strings by UTF-16 code unit: `-1`, `0` or `1`, the order of
 * `Array#sort()` without a comparator and of canonical JSON's keys.
 *
 * Every order plumb writes (plans, diagnostics, reviews, reports) uses this and
 * never `String#localeCompare`: that one follows the machine's locale (ICU reads
 * `LANG`/`LC_ALL`), so the same plan listed `aa-web` after `zz-api` under
 * `da_DK` (where "aa" is "å"), upper case after lower case under `en_US` and
 * before it under `C` in other tools — a plan rendered in CI and one rendered on
 * an operator's machine differed in order, and a pull-request comment changed
 * on every re-run from a differently configured runner. The first
 * `localeCompare` of a process also pays the collator's start-up (6–26 ms
 * measured in a Kubernetes plan). Go's `sort.Strings` (kubectl, Argo CD, Flux)
 * orders by byte; the two agree on every string without characters above
 * U+D7FF, which covers Kubernetes names and plumb's identities.
 * test/lint/locale-order.test.ts keeps `localeCompare` out of the sources.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
