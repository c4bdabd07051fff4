/**
 * A path as one shell word, for the commands hints print for the user to paste: unchanged when
 * it needs no quoting, else single-quoted (a `$(…)` or a space in a path stays the path's).
 */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
