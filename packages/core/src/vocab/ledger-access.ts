/**
 * How a ledger this user may not read is reported, and its remedy: one wording for every command
 * that meets one (os-introspect's memory section and pain points, `ledger verify`, the organ
 * commands). Plain strings, apart from the ledger code, so that os-introspect can name the remedy
 * without loading zod.
 */

/** The problem, in the self-state and in `ledger verify`'s summary. */
export const NOT_READABLE = 'this user may not read it';

/** The remedy, as a clause (a pain point's candidate). */
export const UNREADABLE_REMEDY =
  "run as the memory directory's owner, fix its owner or mode, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at the memory this user keeps";

/** The remedy, as an error's hint. */
export const UNREADABLE_HINT = `${UNREADABLE_REMEDY.charAt(0).toUpperCase()}${UNREADABLE_REMEDY.slice(1)}.`;
