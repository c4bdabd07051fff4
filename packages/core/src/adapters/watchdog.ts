import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * A command that must not outlive this process, however this process dies (SIGKILL, the OOM
 * killer): runCommand's `watchdog` option (exec.ts). Its process group is killed on a timeout or an
 * interrupt, but a process killed with SIGKILL runs no handler, and a command leading its own
 * process group is reached by nothing else. Linux's PR_SET_PDEATHSIG is not available to Node.
 *
 * So the command is started by a small watchdog process (`node packages/core/bin/watchdog.js`)
 * that leads the process group and holds one end of a socket pair whose other end only this
 * process holds. When this process dies, the kernel closes its end, and the watchdog reads EOF
 * at once (no polling): it sends the group SIGTERM, then SIGKILL after the grace. The same socket
 * carries what the watchdog is to start and, back, how that command ended.
 *
 * - Fail closed: the command is started only by the watchdog, so no watchdog, no command. A
 *   watchdog that cannot be spawned, or that ends without having started the command, is a
 *   spawn failure.
 * - Everything else is runCommand's as before: the timeout, the interrupt handling and the
 *   output pipes act on the whole group, which the command and the watchdog share. The watchdog
 *   ignores SIGTERM, SIGINT and SIGHUP (a signal to the group is meant for the command) and
 *   reports the command's own exit status; SIGKILL after the grace ends both.
 * - The environment, which may hold secrets (`--generator-env`), travels on the socket, never in
 *   an argv anyone can read; the watchdog itself runs with an empty environment, so no
 *   NODE_OPTIONS meant for the command changes it.
 */
export interface WatchdogOptions {
  /** The Node.js binary the watchdog runs on (default: this process's). */
  node?: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How a watched command ended, as far as runCommand records it. */
export type WatchedEnd = ({ spawnError?: undefined } & Exit) | { spawnError: string };

export interface Watched {
  /** The watchdog: the process group leader runCommand supervises. */
  child: ChildProcess;
  /** Why the watchdog itself could not be started (from the child's 'error' event). */
  spawnFailure(e: NodeJS.ErrnoException): string;
  /**
   * How the command ended, once the watchdog has closed its streams: what the watchdog reported,
   * else (it was killed) the watchdog's own status. A watchdog that ended by itself without
   * starting the command is a spawn failure: the command never ran unwatched.
   */
  end(own: Exit, killedByUs: boolean): WatchedEnd;
}

interface Spec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  graceMs: number;
}

/** Reports are a few short JSON lines; anything past this is not the watchdog's. */
const MAX_REPORT_BYTES = 64 * 1024;

/**
 * The watchdog's program: a file of its own (shipped with core's bin/), so that no build step
 * changes what runs. From src/ and from dist/ alike (and from the bundle, which keeps each
 * module's import.meta.url), it is two directories up.
 */
export const WATCHDOG_SCRIPT = fileURLToPath(new URL('../../bin/watchdog.js', import.meta.url));

export function spawnWatched(spec: Spec, opts: WatchdogOptions = {}): Watched {
  const node = opts.node ?? process.execPath;
  const child = spawn(node, [WATCHDOG_SCRIPT], {
    cwd: '/', // the command's cwd is the watchdog's to use: a bad one fails as the command's spawn
    env: {},
    detached: true, // setsid(): the watchdog leads the group the command joins
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  // No stdio at all when the pipes could not be made (EMFILE): runCommand reports the spawn error.
  const channel = (child.stdio?.[3] ?? null) as Socket | null;
  let text = '';
  channel?.on('data', (chunk: Buffer) => {
    if (text.length < MAX_REPORT_BYTES) text += chunk.toString('utf8');
  });
  channel?.on('error', () => {
    /* the watchdog is gone: its exit says the rest */
  });
  // Never ended from this side: the end the watchdog waits for is this process's death.
  channel?.write(`${JSON.stringify(spec)}\n`);
  return {
    child,
    spawnFailure: (e) => `its watchdog (${node} ${WATCHDOG_SCRIPT}), which stops it if this process dies, could not be started: ${e.code ?? 'error'}: ${e.message}`,
    end(own, killedByUs) {
      channel?.destroy();
      const r = readReports(text);
      if (r.spawnError !== undefined) return { spawnError: r.spawnError };
      if (r.exit) return r.exit;
      if (!r.started && !killedByUs) {
        const how = own.signal ? `was killed by ${own.signal}` : `exited with status ${own.code}`;
        return { spawnError: `its watchdog (${node} ${WATCHDOG_SCRIPT}), which stops it if this process dies, ${how} before starting it` };
      }
      return own;
    },
  };
}

function readReports(text: string): { started: boolean; exit?: Exit; spawnError?: string } {
  const r: { started: boolean; exit?: Exit; spawnError?: string } = { started: false };
  for (const line of text.split('\n')) {
    let m: unknown;
    try {
      m = JSON.parse(line);
    } catch {
      continue; // a torn last line: the watchdog was killed while writing
    }
    if (typeof m !== 'object' || m === null) continue;
    const o = m as Record<string, unknown>;
    if (typeof o.started === 'number') r.started = true;
    if (typeof o.spawnError === 'string') r.spawnError = o.spawnError;
    const e = o.exit as Record<string, unknown> | undefined;
    if (e && (typeof e.code === 'number' || e.code === null) && (typeof e.signal === 'string' || e.signal === null)) {
      r.exit = { code: e.code as number | null, signal: e.signal as NodeJS.Signals | null };
    }
  }
  return r;
}
