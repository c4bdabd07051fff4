import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyState } from '@autopoietic/core/schemas';

type History = BodyState['shell_history'];

/** Bytes read from the end of each history file: enough for thousands of commands. */
const TAIL_BYTES = 512 * 1024;

/**
 * The last N commands of bash and zsh history (bash first, so zsh lines win at the tail).
 * zsh's extended-history prefix `: <epoch>:<duration>;` is stripped.
 */
export function readShellHistory(home: string, lines: number, source: 'flag' | 'observation.json'): History {
  const files: string[] = [];
  const entries: string[] = [];
  for (const name of ['.bash_history', '.zsh_history']) {
    const file = join(home, name);
    const text = tailText(file);
    if (text === undefined) continue;
    files.push(file);
    entries.push(...historyLines(text).slice(-lines));
  }
  if (!files.length) return { included: true, source, reason: `no .bash_history or .zsh_history in ${home}`, files, entries: [] };
  return { included: true, source, files, entries: entries.slice(-lines) };
}

export function historyLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^: \d+:\d+;/, '').replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

function tailText(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const text = buf.toString('utf8');
    // Drop the first, probably partial, line when we did not start at the beginning.
    return size > len ? text.slice(text.indexOf('\n') + 1) : text;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
