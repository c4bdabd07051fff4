/**
 * Argument parsers of repeatable flags (commander's `.option(flags, text, parser)`). They are
 * declared without a default, so `--help` does not print `(default: [])`; an absent flag is
 * undefined, which readers take as no values.
 */

/** Every value, in order. */
export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Each distinct value once (a VM check is built once, an organ listed once). */
export function collectDistinct(value: string, previous: string[] | undefined): string[] {
  const seen = previous ?? [];
  return seen.includes(value) ? seen : [...seen, value];
}
