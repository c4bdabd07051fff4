import { captureCommand, cleanEnv, describeOutcome, succeeded } from '@autopoietic/core/adapters';
import type { Confirmation } from './cache.js';

/**
 * Asks Nix's own parser about a file tree-sitter rejected: `nix-instantiate --parse -` reads the
 * content from stdin, so the answer depends on the content only and can be cached with it.
 * `--parse` also resolves variable names, so "undefined variable" means the syntax itself was
 * fine (tree-sitter's grammar is the one that is wrong).
 */
export type Confirmer = (source: string) => Promise<Confirmation>;

const TIMEOUT_MS = 20_000;

export function makeConfirmer(env: NodeJS.ProcessEnv = cleanEnv()): Confirmer {
  let version: Promise<string | null> | undefined;
  return async (source) => {
    version ??= detect(env);
    const v = await version;
    if (v === null) return { status: 'unavailable', detail: 'nix-instantiate is not installed: tree-sitter alone reports this error', nix_version: null };
    const r = await captureCommand({ command: 'nix-instantiate', args: ['--parse', '-'], cwd: '/', env, input: source, timeoutMs: TIMEOUT_MS });
    if (succeeded(r)) return { status: 'not-confirmed', detail: 'nix-instantiate --parse accepts the file: a gap of the tree-sitter grammar', nix_version: v };
    if (r.outcome !== 'exited') return { status: 'unavailable', detail: describeOutcome(r), nix_version: v };
    return interpret(r.stderr, v);
  };
}

/** Reads `error: <message>` and the `at «stdin»:L:C:` position from nix-instantiate's stderr. */
export function interpret(stderr: string, version: string | null): Confirmation {
  const message = /error:\s*(.+)/.exec(stderr)?.[1]?.trim() ?? stderr.trim().split('\n')[0] ?? 'rejected';
  const at = /at\s+(?:«stdin»|\(stdin\)|\(string\)|[^\s]*):(\d+):(\d+)/.exec(stderr);
  if (/undefined variable/.test(message)) {
    return { status: 'not-confirmed', detail: `nix-instantiate parses the file (it only reports: ${message})`, nix_version: version };
  }
  const nix = { line: Number(at?.[1] ?? 1), col: Number(at?.[2] ?? 1), message };
  return { status: 'confirmed', detail: `nix-instantiate --parse: ${message}`, nix, nix_version: version };
}

async function detect(env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await captureCommand({ command: 'nix-instantiate', args: ['--version'], cwd: '/', env, timeoutMs: TIMEOUT_MS });
  if (!succeeded(r)) return null;
  return /\d+\.\d+[^\s]*/.exec(r.stdoutFull.toString('utf8'))?.[0] ?? 'unknown';
}
