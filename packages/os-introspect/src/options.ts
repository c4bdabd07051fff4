import { z } from 'zod';
import { usageError } from '@autopoietic/core/cli-kit';
import type { IntrospectOptions } from './introspect.js';

/** What the CLI accepts, checked before any work: a bad value is a usage error (exit 2). */
const Count = (flag: string, min: number) =>
  z.string().regex(/^\d+$/, `${flag} must be a whole number`).transform(Number).pipe(z.number().int().min(min, `${flag} must be at least ${min}`));

export const FORMATS = ['json', 'summary'] as const;

const CliOptions = z.object({
  root: z.string().optional(),
  output: z.string().optional(),
  projectRoot: z.array(z.string()).default([]),
  maxProjectFiles: Count('--max-project-files', 1).default(2000),
  journalLines: Count('--journal-lines', 0).default(0),
  includeShellHistory: z.boolean().optional(),
  shellHistoryLines: Count('--shell-history-lines', 1).default(200),
  eval: z.boolean().default(false),
  format: z.enum(FORMATS, { message: '--format must be json or summary' }).default('json'),
  etcDir: z.string().optional(),
  memoryDir: z.string().optional(),
  cache: z.boolean().default(true),
  jobs: z.union([z.literal('auto'), Count('--jobs', 1)]).default('auto'),
});

export interface ParsedCli {
  introspect: IntrospectOptions;
  output: string | undefined;
  format: (typeof FORMATS)[number];
}

export function parseCliOptions(raw: Record<string, unknown>): ParsedCli {
  const r = CliOptions.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw usageError('bad-option', issue.message, 'See os-introspect --help for the accepted values.');
  }
  const o = r.data;
  return {
    output: o.output,
    format: o.format,
    introspect: {
      root: o.root,
      memoryDir: o.memoryDir,
      etcDir: o.etcDir,
      projectRoots: o.projectRoot,
      maxProjectFiles: o.maxProjectFiles,
      journalLines: o.journalLines,
      includeShellHistory: o.includeShellHistory,
      shellHistoryLines: o.shellHistoryLines,
      eval: o.eval,
      cache: o.cache,
      jobs: o.jobs,
    },
  };
}
