import { fileDigest } from '../adapters/file-digest.js';
import { CheckResult } from '../schemas/check.js';
import type { CitedRecord } from './check-inputs.js';
import type { LogCheck } from './check-report.js';
import { relocateLog } from './check-sources.js';

/**
 * Checks every check log the cited records name (`checks[].stdout_log` / `stderr_log`: path,
 * sha256, bytes) against the file: `missing` when it is gone or unreadable, `differs` when its
 * size or sha256 is not the recorded one. The ledger is the record, so its line is what names
 * the logs, even when the bundle's digest of that line differs.
 */
export function checkLogs(records: readonly CitedRecord[], memoryDir: string | undefined): LogCheck[] {
  const out: LogCheck[] = [];
  const seen = new Set<string>();
  for (const rec of records) {
    const checks = Array.isArray(rec.value.checks) ? rec.value.checks : [];
    checks.forEach((raw, i) => {
      const parsed = CheckResult.safeParse(raw);
      if (!parsed.success) return; // a damaged record line is reported at its input
      const check = parsed.data;
      for (const stream of ['stdout', 'stderr'] as const) {
        const ref = check[`${stream}_log`];
        const id = `${rec.id}:checks[${i}]:${check.name}:${stream}`;
        if (!ref || seen.has(id)) continue;
        seen.add(id);
        const path = relocateLog(ref.path, rec.ledger, memoryDir);
        const base = { id, record: rec.id, check: check.name, stream, path, stated: { sha256: ref.sha256, bytes: ref.bytes } };
        const got = fileDigest(path);
        if (!got.ok) {
          out.push({ ...base, status: 'missing', reason: `${path}: ${got.reason}` });
          continue;
        }
        const actual = { sha256: got.sha256, bytes: got.bytes };
        const diff = [
          ...(got.bytes !== ref.bytes ? [`${got.bytes} bytes, the record says ${ref.bytes}`] : []),
          ...(got.sha256 !== ref.sha256 ? [`sha256 ${got.sha256}, the record says ${ref.sha256}`] : []),
        ];
        out.push({ ...base, actual, status: diff.length ? 'differs' : 'matched', reason: diff.length ? `${path}: ${diff.join('; ')}` : 'size and sha256 equal the recorded ones' });
      }
    });
  }
  return out;
}
