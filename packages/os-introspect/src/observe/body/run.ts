import { captureCommand, cleanEnv, describeOutcome, succeeded } from '@autopoietic/core/adapters';

/** Runs a probe command; never throws. `text` is stdout on success (`stderr` what it said besides), `reason` says why not. */
export type ProbeRun = { ok: true; text: string; stderr: string } | { ok: false; reason: string; missing: boolean };

const PROBE_TIMEOUT_MS = 30_000;

/** `what` names the command in a reason (default: the command and its first argument). */
export async function probe(command: string, args: string[], what = `${command} ${args[0] ?? ''}`.trim()): Promise<ProbeRun> {
  const env = cleanEnv(process.env, { LC_ALL: 'C', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' });
  const r = await captureCommand({ command, args, cwd: '/', env, timeoutMs: PROBE_TIMEOUT_MS });
  // captureCommand keeps at most 64 MiB of stdout: more than that would be read as if the head
  // were the whole (units or packages missing, the journal's first lines as its last).
  if (succeeded(r) && r.stdoutBytes > r.stdoutFull.length) {
    return { ok: false, reason: `${what}: printed ${r.stdoutBytes} bytes, more than the 64 MiB a probe may print: not read`, missing: false };
  }
  if (succeeded(r)) return { ok: true, text: r.stdoutFull.toString('utf8'), stderr: r.stderr };
  return { ok: false, reason: `${what}: ${stderrLines(r.stderr) || describeOutcome(r)}`, missing: r.outcome === 'spawn-failed' };
}

/** The first two lines a command wrote to stderr, for a reason. */
export function stderrLines(stderr: string): string {
  return stderr.trim().split('\n').filter(Boolean).slice(0, 2).join(' / ');
}
