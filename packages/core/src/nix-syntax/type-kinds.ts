/**
 * A lookup table from a grammar's type ids to small kinds (0 for the types not named in `byName`),
 * for passes over a tree's node array that read one type id per node: made once per grammar
 * (`types` is web-tree-sitter's `language.types`, one array per loaded grammar) and table.
 */
export function typeKinds(types: readonly string[], byName: Readonly<Record<string, number>>): Uint8Array {
  let perGrammar = tables.get(byName);
  if (!perGrammar) {
    perGrammar = new WeakMap();
    tables.set(byName, perGrammar);
  }
  let kinds = perGrammar.get(types);
  if (!kinds) {
    kinds = Uint8Array.from(types, (t) => byName[t] ?? 0);
    perGrammar.set(types, kinds);
  }
  return kinds;
}

const tables = new WeakMap<object, WeakMap<readonly string[], Uint8Array>>();
