import { literalValue } from './nodes.js';
import { boundValue, resolveVariable, type Scope } from './scope.js';

const INTERPOLATED_NAME = /\$\{\s*([A-Za-z_][A-Za-z0-9_'-]*)\s*\}/g;
/** What a path segment may hold when substituted (no space, quote, `$` or `..` trickery to read). */
const PATH_TEXT = /^[A-Za-z0-9._+-]+$/;

/**
 * `./hosts/${name}` where each `${…}` is a name bound to a string literal (a helper's parameter
 * given `"a"`): the path with the strings put in. Undefined when any part is not such a name.
 */
export function substitutedPath(text: string, scope: Scope): string | undefined {
  let known = true;
  const out = text.replace(INTERPOLATED_NAME, (_m, name: string) => {
    const bound = boundValue(scope, name);
    const v = bound ? literalValue(resolveVariable(bound.node, bound.scope)) : undefined;
    if (typeof v?.value === 'string' && PATH_TEXT.test(v.value) && v.value !== '..' && v.value !== '.') return v.value;
    known = false;
    return '';
  });
  return known && !out.includes('${') ? out : undefined;
}
