import type { BodyState } from '@autopoietic/core/schemas';
import { probe } from './run.js';

type Journal = BodyState['journal'];

/** The last N lines of the systemd journal, only when asked for (N > 0). */
export async function observeJournal(lines: number): Promise<Journal> {
  if (lines <= 0) return { included: false, available: false, reason: 'not requested (use --journal-lines N)', entries: [] };
  const r = await probe('journalctl', ['-n', String(lines), '-o', 'short-iso', '--no-pager']);
  if (!r.ok) return { included: true, available: false, reason: r.reason, entries: [] };
  const entries = r.text.split('\n').filter((l) => l.trim() && !l.startsWith('-- ')).slice(-lines);
  return { included: true, available: true, entries };
}
