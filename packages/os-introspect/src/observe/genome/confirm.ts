import { captureCommand, cleanEnv, describeOutcome, succeeded } from '@autopoietic/core/adapters';
import type { Confirmation } from './cache.js';

/**
 * Asks Nix's own parser about a file tree-sitter rejected: `nix-instantiate --parse -` reads the
 * content from stdin, so the answer depends on the content only and can be cached with it.
 * `--parse` also resolves variable names: "undefined variable" is Nix rejecting the file after
 * its grammar took it (nixFileEntry then keeps tree-sitter's grammar errors as benign).
 */
export type Confirmer = (source: string) => Promise<Confirmation>;

const TIMEOUT_MS = 20_000;

/**
 * One confirmer per thread. Once a call times out, Nix is not asked again in this run: a hung
 * nix-instantiate (a stuck store lock, a daemon that does not answer) cost 20 s per file with a
 * syntax error, one after the other (5 files: 100 s).
 */
export function makeConfirmer(env: NodeJS.ProcessEnv = cleanEnv()): Confirmer {
  let detected: Promise<Detected> | undefined;
  let stuck: string | undefined;
  return async (source) => {
    detected ??= detect(env);
    const d = await detected;
    if ('unavailable' in d) return { status: 'unavailable', detail: d.unavailable, nix_version: null };
    const v = d.version;
    if (stuck) return { status: 'unavailable', detail: stuck, nix_version: v };
    const r = await captureCommand({ command: 'nix-instantiate', args: ['--parse', '-'], cwd: '/', env, input: source, timeoutMs: TIMEOUT_MS });
    if (succeeded(r)) return { status: 'not-confirmed', detail: 'nix-instantiate --parse accepts the file: a gap of the tree-sitter grammar', nix_version: v };
    if (r.outcome === 'timeout') stuck = `nix-instantiate timed out on an earlier file: not asked (${describeOutcome(r)})`;
    // Killed by a signal (a crash, the OOM killer) is no verdict on the file.
    if (r.outcome !== 'exited' || r.signal !== null) return { status: 'unavailable', detail: describeOutcome(r), nix_version: v };
    return interpret(r.stderr, v);
  };
}

/**
 * Reads `error: <message>` and the `at «stdin»:L:C:` position from nix-instantiate's stderr. A
 * verdict on the file needs that position: Nix places every parse error (syntax, a duplicate
 * attribute, a path with a trailing slash) in the source it read, here stdin. An error that names
 * no place in it is about the host, not the content: a user who may not reach the daemon
 * ("getting status of /nix/var/nix/daemon-socket/socket: Permission denied", every Nix 2.8 call
 * as a CI user outside nix-users), a store or lock that cannot be opened. Taken for a verdict, it
 * reported a file that parses as a syntax error and was cached with its content, so later runs
 * with a working Nix kept reporting it. A failure without an `error:` line (a wrapper script, a
 * broken installation) is no verdict either.
 */
export function interpret(stderr: string, version: string | null): Confirmation {
  const message = /error:\s*(.+)/.exec(stderr)?.[1]?.trim();
  if (message === undefined) {
    const said = stderr.trim().split('\n')[0];
    return { status: 'unavailable', detail: `nix-instantiate --parse failed without an error message${said ? ` (it said: ${said})` : ''}`, nix_version: version };
  }
  const at = STDIN_POSITION_LINE.exec(stderr) ?? STDIN_POSITION.exec(stderr);
  if (!at) {
    return { status: 'unavailable', detail: `nix-instantiate --parse failed without placing an error in the file, so it gave no verdict on it (it said: ${message})`, nix_version: version };
  }
  const nix = { line: Number(at[1]), col: Number(at[2]), message };
  return { status: 'confirmed', detail: `nix-instantiate --parse: ${message}`, nix, nix_version: version };
}

/**
 * Where in stdin: Nix 2.4+ gives it on a line of its own (`at «stdin»:1:10:`, after a message
 * that may name another place: "attribute 'a' already defined at (string):1:3"), older Nix
 * inline (`unexpected ';', at (string):1:7`).
 */
const STDIN_POSITION_LINE = /^\s*at\s+(?:«stdin»|\(stdin\)|\(string\)):(\d+):(\d+)/m;
const STDIN_POSITION = /at\s+(?:«stdin»|\(stdin\)|\(string\)):(\d+):(\d+)/;

type Detected = { version: string } | { unavailable: string };

async function detect(env: NodeJS.ProcessEnv): Promise<Detected> {
  const r = await captureCommand({ command: 'nix-instantiate', args: ['--version'], cwd: '/', env, timeoutMs: TIMEOUT_MS });
  if (r.outcome === 'spawn-failed' && r.spawnError?.includes('ENOENT')) return { unavailable: 'nix-instantiate is not installed: tree-sitter alone reports this error' };
  if (!succeeded(r)) return { unavailable: `nix-instantiate --version failed (${describeOutcome(r)}): tree-sitter alone reports this error` };
  return { version: /\d+\.\d+[^\s]*/.exec(r.stdoutFull.toString('utf8'))?.[0] ?? 'unknown' };
}
