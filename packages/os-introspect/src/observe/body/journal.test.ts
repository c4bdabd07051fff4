import { describe, expect, it } from 'vitest';
import { journalOf } from './journal.js';

describe('journal tail', () => {
  it('is unavailable, not empty, where journalctl finds no journal it may read (it exits 0 and says so on stderr)', () => {
    // journalctl 252 on a host not booted with systemd, and as a user outside systemd-journal.
    expect(journalOf({ ok: true, text: '-- No entries --\n', stderr: 'No journal files were found.\n' }, 5)).toEqual({
      included: true,
      available: false,
      reason: 'journalctl: No journal files were found.',
      entries: [],
    });
    expect(journalOf({ ok: true, text: '-- No entries --\n', stderr: 'No journal files were opened due to insufficient permissions.\n' }, 5)).toMatchObject({ available: false });
  });

  it('keeps the entries, and takes an empty journal that journalctl did not complain about as empty', () => {
    const text = '2026-11-26T22:00:00+0000 host sshd[1]: Accepted publickey\n2026-11-26T22:00:01+0000 host systemd[1]: Started x.service.\n';
    const hint = 'Hint: You are currently not seeing messages from other users and the system.\n';
    expect(journalOf({ ok: true, text, stderr: hint }, 1)).toEqual({ included: true, available: true, entries: ['2026-11-26T22:00:01+0000 host systemd[1]: Started x.service.'] });
    expect(journalOf({ ok: true, text: '-- No entries --\n', stderr: '' }, 5)).toEqual({ included: true, available: true, entries: [] });
  });
});
