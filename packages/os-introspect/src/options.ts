import { usageError } from '@autopoietic/core/cli-kit';
import type { IntrospectOptions } from './introspect.js';

/**
 * What the CLI accepts, checked before any work: a bad value is a usage error (exit 2). Written
 * by hand rather than with zod: loading zod costs a fifth of a warm run, and a warm run loads
 * nothing else that needs it.
 */
export const FORMATS = ['json', 'summary'] as const;

export interface ParsedCli {
  introspect: IntrospectOptions;
  output: string | undefined;
  format: (typeof FORMATS)[number];
}

/** The least value of each count, for the flags and for a library caller alike. */
export const COUNT_MIN = { maxProjectFiles: 1, journalLines: 0, shellHistoryLines: 1, jobs: 1 } as const;

function bad(message: string, hint = 'See os-introspect --help for the accepted values.'): never {
  throw usageError('bad-option', message, hint);
}

const LIBRARY_HINT = 'See IntrospectOptions (packages/os-introspect/src/introspect.ts) and the flags of the same names in docs/self-state.md.';

/** A whole number of at least `min`, from a flag value (commander passes strings; defaults too). */
function count(raw: unknown, flag: string, min: number, fallback: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) bad(`${flag} must be a whole number`);
  const n = Number(raw);
  // Beyond 2^53 a number is not exact: say so rather than "at least 0" for 9007199254740993.
  if (!Number.isSafeInteger(n)) bad(`${flag} must be at most ${Number.MAX_SAFE_INTEGER}`);
  if (n < min) bad(`${flag} must be at least ${min}`);
  return n;
}

/**
 * A path flag's value. An empty one (`--memory-dir "$UNSET"`) is refused: it resolved to the
 * working directory (a parse cache written there), and `--output ''` printed to stdout instead.
 */
function text(raw: unknown, flag: string): string | undefined {
  if (raw === '') bad(`${flag} must not be empty`);
  if (raw === undefined || typeof raw === 'string') return raw;
  return bad(`${flag} takes one value`);
}

function flag(raw: unknown, fallback: boolean | undefined): boolean | undefined {
  return typeof raw === 'boolean' ? raw : fallback;
}

export function parseCliOptions(raw: Record<string, unknown>): ParsedCli {
  const format = raw.format ?? 'json';
  if (!FORMATS.includes(format as ParsedCli['format'])) bad('--format must be json or summary');
  const roots = raw.projectRoot ?? [];
  if (!Array.isArray(roots) || !roots.every((r) => typeof r === 'string')) bad('--project-root takes a path');
  if (roots.includes('')) bad('--project-root must not be empty');
  if (raw.jobs !== undefined && raw.jobs !== 'auto' && !/^\d+$/.test(String(raw.jobs))) bad('--jobs must be auto or a whole number');
  const jobs = raw.jobs === undefined || raw.jobs === 'auto' ? 'auto' : count(raw.jobs, '--jobs', COUNT_MIN.jobs, 1);
  return {
    output: text(raw.output, '--output'),
    format: format as ParsedCli['format'],
    introspect: {
      root: text(raw.root, '--root'),
      memoryDir: text(raw.memoryDir, '--memory-dir'),
      etcDir: text(raw.etcDir, '--etc-dir'),
      projectRoots: roots as string[],
      maxProjectFiles: count(raw.maxProjectFiles, '--max-project-files', COUNT_MIN.maxProjectFiles, 2000),
      journalLines: count(raw.journalLines, '--journal-lines', COUNT_MIN.journalLines, 0),
      includeShellHistory: flag(raw.includeShellHistory, undefined),
      shellHistoryLines: count(raw.shellHistoryLines, '--shell-history-lines', COUNT_MIN.shellHistoryLines, 200),
      eval: flag(raw.eval, false) ?? false,
      cache: flag(raw.cache, true) ?? true,
      jobs,
    },
  };
}

const PATH_OPTIONS = ['root', 'memoryDir', 'etcDir', 'cwd', 'home', 'profilesDir', 'currentSystem'] as const;

/**
 * What introspect() / observeSelf() are given, by the rules the flags follow: a library caller
 * passing `shellHistoryLines: 0` got the whole history, `journalLines: 1.5` reached journalctl,
 * and `maxProjectFiles: -5` sampled nothing and called it truncated.
 */
export function checkIntrospectOptions(o: IntrospectOptions): void {
  for (const key of ['maxProjectFiles', 'journalLines', 'shellHistoryLines'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= COUNT_MIN[key])) bad(`introspect(): ${key} must be a whole number of at least ${COUNT_MIN[key]} (got ${String(v)})`, LIBRARY_HINT);
  }
  if (o.jobs !== undefined && o.jobs !== 'auto' && !(Number.isSafeInteger(o.jobs) && o.jobs >= COUNT_MIN.jobs)) bad(`introspect(): jobs must be 'auto' or a whole number of at least 1 (got ${String(o.jobs)})`, LIBRARY_HINT);
  for (const key of PATH_OPTIONS) if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) bad(`introspect(): ${key} must be a non-empty path`, LIBRARY_HINT);
  if (o.projectRoots?.some((r) => typeof r !== 'string' || r === '')) bad('introspect(): projectRoots must be non-empty paths', LIBRARY_HINT);
}
