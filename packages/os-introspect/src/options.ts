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

function bad(message: string): never {
  throw usageError('bad-option', message, 'See os-introspect --help for the accepted values.');
}

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
  const jobs = raw.jobs === undefined || raw.jobs === 'auto' ? 'auto' : count(raw.jobs, '--jobs', 1, 1);
  return {
    output: text(raw.output, '--output'),
    format: format as ParsedCli['format'],
    introspect: {
      root: text(raw.root, '--root'),
      memoryDir: text(raw.memoryDir, '--memory-dir'),
      etcDir: text(raw.etcDir, '--etc-dir'),
      projectRoots: roots as string[],
      maxProjectFiles: count(raw.maxProjectFiles, '--max-project-files', 1, 2000),
      journalLines: count(raw.journalLines, '--journal-lines', 0, 0),
      includeShellHistory: flag(raw.includeShellHistory, undefined),
      shellHistoryLines: count(raw.shellHistoryLines, '--shell-history-lines', 1, 200),
      eval: flag(raw.eval, false) ?? false,
      cache: flag(raw.cache, true) ?? true,
      jobs,
    },
  };
}
