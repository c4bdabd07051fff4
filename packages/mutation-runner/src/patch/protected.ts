/**
 * Paths a proposal may never touch: the memory ledgers, evidence, logs and cache (defaults), plus the
 * operator's `protected_paths` from the host policy. A rule is a path relative to the genome
 * root; it protects that path and everything under it. `*` matches within one path component
 * and `**` across components (`secrets/**.key`, `hosts/*\/hardware.nix`).
 */
import { MEMORY_SUBDIRS } from '@autopoietic/core/ledger';
import { relativePathProblem } from './rules.js';

export interface ProtectedRule {
  pattern: string;
  /** Where the rule comes from, as a refusal names it: the operator looks for it there. */
  source: 'default' | 'host policy' | '--policy file' | 'memory dir';
}

/**
 * The memory directory's own files: its ledgers (with their locks, checkpoints and quarantines)
 * and every subdirectory the tools write (MEMORY_SUBDIRS: logs, evidence, cache), the same set
 * the candidate leaves out. cache/ was missing: a patch could plant os-introspect parse-cache
 * entries (their checksums are not a secret) that the next observation trusts.
 */
const MEMORY_PROTECTED: readonly string[] = ['*.jsonl', '*.jsonl.*', ...Object.values(MEMORY_SUBDIRS)];

export const DEFAULT_PROTECTED: readonly string[] = MEMORY_PROTECTED.map((p) => `memory/${p}`);

export type ProtectedMatcher = (path: string) => ProtectedRule | undefined;

export function protectedMatcher(rules: readonly ProtectedRule[]): ProtectedMatcher {
  const compiled = rules.map((rule) => ({ rule, tokens: compile(rule.pattern) }));
  return (path) => {
    const chars = [...path];
    return compiled.find(({ tokens }) => matches(tokens, chars))?.rule;
  };
}

export function defaultProtectedRules(extra: { policy?: readonly string[]; policyFile?: readonly string[]; memoryDirRel?: string | undefined } = {}): ProtectedRule[] {
  const rules: ProtectedRule[] = DEFAULT_PROTECTED.map((pattern) => ({ pattern, source: 'default' as const }));
  if (extra.memoryDirRel !== undefined && extra.memoryDirRel !== 'memory') {
    for (const p of MEMORY_PROTECTED) rules.push({ pattern: `${extra.memoryDirRel}/${p}`, source: 'memory dir' });
  }
  for (const pattern of extra.policy ?? []) rules.push({ pattern: pattern.replace(/\/+$/, ''), source: 'host policy' });
  // A --policy rule was named a "host policy rule", and the operator looked in /etc/autopoietic.
  for (const pattern of extra.policyFile ?? []) rules.push({ pattern: pattern.replace(/\/+$/, ''), source: '--policy file' });
  return rules;
}

/**
 * Why an operator's rule could never match, or undefined. P1 accepts only normalized relative
 * patch paths (relativePathProblem), so `./flake.lock`, `/flake.lock`, `secrets//x` or `` match
 * no patch path: such a rule protected nothing while the operator believed it did.
 */
export function protectedRuleProblem(pattern: string): string | undefined {
  const problem = relativePathProblem(pattern.replace(/\/+$/, ''));
  if (problem === undefined) return undefined;
  return `protected_paths rule ${JSON.stringify(pattern)} ${problem}, so it would match no patch path (they are relative to the genome root and normalized, like secrets/key.pem) and protect nothing`;
}

/** One token per pattern character (code point); `*` matches within a component, `**` across. */
type Token = { char: string } | { any: 'component' | 'path' };

function compile(pattern: string): Token[] {
  const chars = [...pattern];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '*' && chars[i + 1] === '*') {
      tokens.push({ any: 'path' });
      i++;
    } else tokens.push(chars[i] === '*' ? { any: 'component' } : { char: chars[i]! });
  }
  return tokens;
}

/**
 * Whether `path` is the rule's path or lies under it (any byte but NUL, line terminators too).
 * The pattern is walked as an automaton, the set of pattern positions reached after each path
 * character, so a match costs path length x pattern length whatever the path: as a regex, each
 * `*` a `[^/]*`, a rule with several stars in a component backtracked polynomially on a hostile
 * name (`hosts/*-*-*.nix` took 3.5 s on a 3 KB path, and a 20 KB one hung verify).
 */
function matches(tokens: readonly Token[], path: readonly string[]): boolean {
  const end = tokens.length;
  let now = new Uint8Array(end + 1);
  let next = new Uint8Array(end + 1);
  now[0] = 1;
  skipWildcards(tokens, now);
  for (const ch of path) {
    if (now[end] && ch === '/') return true; // everything under the rule's path
    next.fill(0);
    let alive = false;
    for (let i = 0; i < end; i++) {
      if (!now[i]) continue;
      const t = tokens[i]!;
      const to = 'char' in t ? (t.char === ch ? i + 1 : -1) : t.any === 'path' || ch !== '/' ? i : -1;
      if (to >= 0) {
        next[to] = 1;
        alive = true;
      }
    }
    if (!alive) return false;
    skipWildcards(tokens, next);
    [now, next] = [next, now];
  }
  return now[end] === 1;
}

/** A wildcard also matches nothing: a reached wildcard's next position is reached too. */
function skipWildcards(tokens: readonly Token[], states: Uint8Array): void {
  for (let i = 0; i < tokens.length; i++) if (states[i] && !('char' in tokens[i]!)) states[i + 1] = 1;
}
