/**
 * Sorts strings by UTF-16 code units. The order of every list a record or the self-state sorts
 * by name: the same on every machine. `localeCompare` and a default `Intl.Collator` follow the
 * user's locale (under LANG=et_EE.UTF-8, `z` sorts before `x`), so the same genome printed
 * differently from one shell to the next; they are also several times slower.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
