import type { BodyState } from '@autopoietic/core/schemas';
import { type ProbeRun, probe, stderrLines } from './run.js';

type Journal = BodyState['journal'];

/** The last N lines of the systemd journal, only when asked for (N > 0). */
export async function observeJournal(lines: number): Promise<Journal> {
  if (lines <= 0) return { included: false, available: false, reason: 'not requested (use --journal-lines N)', entries: [] };
  return journalOf(await probe('journalctl', ['-n', String(lines), '-o', 'short-iso', '--no-pager']), lines);
}

/**
 * Where there is no journal to read (a container, a host without systemd: "No journal files were
 * found.") or none this user may read ("... due to insufficient permissions."), journalctl says
 * so on stderr, prints `-- No entries --` and exits 0. Nothing was seen, so it is not an empty
 * journal: it is unavailable, with what journalctl said.
 */
export function journalOf(r: ProbeRun, lines: number): Journal {
  if (!r.ok) return { included: true, available: false, reason: r.reason, entries: [] };
  const entries = r.text.split('\n').filter((l) => l.trim() && !l.startsWith('-- ')).slice(-lines);
  const said = stderrLines(r.stderr);
  if (!entries.length && said) return { included: true, available: false, reason: `journalctl: ${said}`, entries: [] };
  return { included: true, available: true, entries };
}
