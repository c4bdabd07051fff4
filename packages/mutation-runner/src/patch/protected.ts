/**
 * Paths a proposal may never touch: the memory ledgers, evidence and logs (defaults), plus the
 * operator's `protected_paths` from the host policy. A rule is a path relative to the genome
 * root; it protects that path and everything under it. `*` matches within one path component
 * and `**` across components (`secrets/**.key`, `hosts/*\/hardware.nix`).
 */
export interface ProtectedRule {
  pattern: string;
  source: 'default' | 'host policy' | 'memory dir';
}

export const DEFAULT_PROTECTED: readonly string[] = ['memory/*.jsonl', 'memory/*.jsonl.*', 'memory/evidence', 'memory/logs'];

export type ProtectedMatcher = (path: string) => ProtectedRule | undefined;

export function protectedMatcher(rules: readonly ProtectedRule[]): ProtectedMatcher {
  const compiled = rules.map((rule) => ({ rule, re: compile(rule.pattern) }));
  return (path) => compiled.find(({ re }) => re.test(path))?.rule;
}

export function defaultProtectedRules(extra: { policy?: readonly string[]; memoryDirRel?: string | undefined } = {}): ProtectedRule[] {
  const rules: ProtectedRule[] = DEFAULT_PROTECTED.map((pattern) => ({ pattern, source: 'default' as const }));
  if (extra.memoryDirRel !== undefined && extra.memoryDirRel !== 'memory') {
    for (const p of ['*.jsonl', '*.jsonl.*', 'evidence', 'logs']) rules.push({ pattern: `${extra.memoryDirRel}/${p}`, source: 'memory dir' });
  }
  for (const pattern of extra.policy ?? []) rules.push({ pattern: pattern.replace(/\/+$/, ''), source: 'host policy' });
  return rules;
}

function compile(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  // dotAll: git allows any byte but NUL in a name, and without it "." (of "**" and of the
  // everything-under-it tail) stopped at a line feed, CR or U+2028, so "hosts/x\u2028.nix" was
  // not under the rule "hosts".
  return new RegExp(`^${re}(?:/.*)?$`, 's');
}
