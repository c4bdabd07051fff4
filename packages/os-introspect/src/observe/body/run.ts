import { captureCommand, cleanEnv, describeOutcome, succeeded } from '@autopoietic/core/adapters';

/** Runs a probe command; never throws. `text` is stdout on success, `reason` says why not. */
export type ProbeRun = { ok: true; text: string } | { ok: false; reason: string; missing: boolean };

const PROBE_TIMEOUT_MS = 30_000;

export async function probe(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<ProbeRun> {
  const env = cleanEnv(process.env, { LC_ALL: 'C', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat', ...extraEnv });
  const r = await captureCommand({ command, args, cwd: '/', env, timeoutMs: PROBE_TIMEOUT_MS });
  if (succeeded(r)) return { ok: true, text: r.stdoutFull.toString('utf8') };
  const err = r.stderr.trim().split('\n').filter(Boolean).slice(0, 2).join(' / ');
  return { ok: false, reason: `${command} ${args[0] ?? ''}: ${err || describeOutcome(r)}`.replace(/\s+:/, ':'), missing: r.outcome === 'spawn-failed' };
}
