/**
 * Parsed proposal JSON the proposal fingerprint cannot represent faithfully (pure). The
 * fingerprint frames every string as UTF-8, where a lone UTF-16 surrogate (`"\ud800"`, legal
 * JSON) becomes U+FFFD; and the schema's record parse drops a `__proto__` key (JSON.parse keeps
 * it as an own key). Either made two different proposal files one proposal to P2, which binds
 * to a verified record by fingerprint, while a reviewer or another reader saw the other text.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function unrepresentableProblem(value: unknown, path: readonly string[] = []): string | undefined {
  const where = path.length ? path.join('.') : '(proposal)';
  if (typeof value === 'string') {
    const lone = loneSurrogate(value);
    return lone && `${where}: holds ${lone}; write the character it was meant to be`;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    if (key === '__proto__') return `${[...path, key].join('.')}: the key "__proto__" is dropped by JSON readers; choose another key`;
    const lone = loneSurrogate(key);
    if (lone) return `${where}: a key holds ${lone}; write the character it was meant to be`;
    const problem = unrepresentableProblem(v, [...path, key]);
    if (problem) return problem;
  }
  return undefined;
}

function loneSurrogate(s: string): string | undefined {
  const m = LONE_SURROGATE.exec(s);
  if (!m) return undefined;
  const unit = m[0].charCodeAt(0).toString(16).padStart(4, '0');
  return `a lone UTF-16 surrogate (\\u${unit}) at character ${m.index + 1}, which is not text and is hashed as U+FFFD`;
}
