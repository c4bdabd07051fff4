import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyState } from '@autopoietic/core/schemas';
import { errCode } from '../walk.js';

type History = BodyState['shell_history'];

/** Bytes read from the end of each history file: enough for thousands of commands. */
const TAIL_BYTES = 512 * 1024;

/**
 * Each shell's file and how its bytes become commands (bash first, so zsh lines win at the tail).
 * A tail that starts inside the file starts inside a command: the first command is dropped, as a
 * whole (a zsh command over several lines is one; dropping only up to the first newline left its
 * other lines to be reported as a command of their own).
 */
const SHELLS: { file: string; commands: (bytes: Buffer, cut: boolean, head: Buffer) => string[] }[] = [
  { file: '.bash_history', commands: bashCommands },
  { file: '.zsh_history', commands: zshCommands },
];

/**
 * The last N commands of bash and zsh history. A history file that exists but cannot be read
 * (permissions, not a regular file) is named in `reason`, not taken for an absent one.
 */
export function readShellHistory(home: string | undefined, lines: number, source: 'flag' | 'observation.json'): History {
  if (home === undefined) return { included: true, source, reason: 'no home directory: HOME is unset, empty or relative, and the password database has none for this user', files: [], entries: [] };
  const files: string[] = [];
  const entries: string[] = [];
  const problems: string[] = [];
  for (const shell of SHELLS) {
    const file = join(home, shell.file);
    const tail = readTail(file);
    if ('error' in tail) {
      if (tail.error !== 'ENOENT') problems.push(`cannot read ${file} (${tail.error})`);
      continue;
    }
    files.push(file);
    const commands = shell.commands(tail.bytes, tail.cut, tail.head);
    for (const c of commands.slice(-lines)) entries.push(c); // not push(...): --shell-history-lines can pass 100,000
  }
  if (!files.length) return { included: true, source, reason: problems.join('; ') || `no .bash_history or .zsh_history in ${home}`, files, entries: [] };
  return { included: true, source, ...(problems.length ? { reason: problems.join('; ') } : {}), files, entries: entries.slice(-lines) };
}

/** A line bash reads as a timestamp: the history comment character and a digit (`#1700000000`). */
const TIMESTAMP = /^#\d/;

/**
 * bash, read as bash reads its history file back. A file that starts with a timestamp (bash
 * writes `#<epoch>` before each entry when HISTTIMEFORMAT is set) holds one entry per timestamp:
 * the lines up to the next timestamp, which are several when `shopt -s lithist` kept the newlines
 * of a multi-line command. A tail that starts inside the file drops the lines before its first
 * timestamp (the entry it cut), and a timestamp with no line after it is no entry. Any other file
 * is one command a line (bash cannot tell a lithist command's lines apart there either), and
 * `#<digit>` lines in it are timestamps, not commands. `head` is the file's first bytes.
 */
export function bashCommands(bytes: Buffer, cut = false, head: Buffer = bytes): string[] {
  const lines = bytes.toString('utf8').split('\n').slice(cut ? 1 : 0);
  if (!TIMESTAMP.test(head.toString('latin1'))) return nonBlank(lines).filter((l) => !TIMESTAMP.test(l));
  const entries: string[] = [];
  let entry: string[] | undefined; // undefined until the first timestamp
  const close = () => {
    if (entry?.length) entries.push(entry.join('\n'));
  };
  for (const line of lines) {
    if (TIMESTAMP.test(line)) {
      close();
      entry = [];
    } else entry?.push(...nonBlank([line]));
  }
  close();
  return entries;
}

/**
 * zsh: bytes zsh "metafied" (0x83, then the byte xor 0x20: `à` is stored as C3 83 80) are
 * restored; a line ending in `\` goes on on the next (zsh writes a newline inside a command that
 * way); the extended-history prefix `: <epoch>:<duration>;` is stripped.
 */
export function zshCommands(bytes: Buffer, cut = false): string[] {
  const entries = unmetafy(bytes).toString('utf8').split(/(?<!\\)\n/).slice(cut ? 1 : 0);
  return nonBlank(entries.map((e) => e.replace(/\\\r?\n/g, '\n').replace(/^: \d+:\d+;/, '')));
}

function unmetafy(bytes: Buffer): Buffer {
  if (!bytes.includes(0x83)) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) out[n++] = bytes[i] === 0x83 && i + 1 < bytes.length ? bytes[++i]! ^ 0x20 : bytes[i]!;
  return out.subarray(0, n);
}

/** Without the CR of a CRLF, and without blank lines. */
function nonBlank(lines: string[]): string[] {
  return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

/**
 * The last TAIL_BYTES of a regular file; `cut` when that is not the whole file (it starts inside a
 * line). `head`: the file's first two bytes, which say how bash wrote it.
 */
function readTail(file: string): { bytes: Buffer; cut: boolean; head: Buffer } | { error: string } {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO in place of the history must not wait for a writer (it is refused below).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { error: errCode(e) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: 'not a regular file' };
    const len = Math.min(st.size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    const got = readSync(fd, buf, 0, len, st.size - len);
    const bytes = buf.subarray(0, got);
    const cut = st.size > len;
    const head = cut ? Buffer.alloc(2) : bytes;
    return { bytes, cut, head: cut ? head.subarray(0, readSync(fd, head, 0, 2, 0)) : head };
  } catch (e) {
    return { error: errCode(e) };
  } finally {
    closeSync(fd);
  }
}
