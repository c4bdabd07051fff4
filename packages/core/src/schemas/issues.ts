import type { z } from 'zod';

/** One line per zod issue, `path: message`, e.g. `status: Invalid option: expected one of "pending"|...`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(record)';
    return `${path}: ${i.message}`;
  });
}
