import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * The one naming rule for a temp file that replaces a file by rename: `.<name>.tmp-<pid>-<12 hex>`,
 * beside it. A dot file, so that listings and globs of the real names pass it by; the pid says
 * whose it is, so that a later run can tell a writer that is gone (its temp file is a leftover to
 * remove) from one still writing. Used by writeFileAtomic and by os-introspect's parse cache.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

const TEMP_NAME = /^\.(.+)\.tmp-(\d+)-[0-9a-f]{12}$/;

/** What a temp file's base name says: the base name of the file it replaces, and its writer's pid. */
export function parseTempName(name: string): { target: string; pid: number } | undefined {
  const m = TEMP_NAME.exec(name);
  return m ? { target: m[1]!, pid: Number(m[2]) } : undefined;
}
