/**
 * The command words of a shell-history entry: the program each command of a pipeline or list
 * runs, also through `sudo` and `doas`. `sudo -u alice ffmpeg …` runs ffmpeg, not `-u`; `sudo -i`
 * with no command, `sudo -l` and `sudoedit` run none.
 */

/** Words that run the next word as the command (`time ffmpeg`, `exec ffmpeg`). */
const PREFIXES = new Set(['time', 'exec']);

/** A shell assignment (`FOO=1 cmd`), also as sudo takes them after its options (`sudo http_proxy=x cmd`). */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Words that run no command of their own: their arguments are files (`sudoedit /etc/hosts`). */
const NO_COMMAND = new Set(['sudoedit']);

/**
 * A program that runs the command after its options as another user: its options that take a
 * value (as the next word, or attached: `-uroot`, `--user=root`), and those with which it runs no
 * command at all (list, edit, check a configuration, version, help). From sudo(8) 1.9 (sudo-rs
 * takes a subset) and OpenBSD/opendoas doas(1).
 */
interface Runner {
  withValue: string;
  noCommand: string;
  longWithValue?: Set<string>;
  longNoCommand?: Set<string>;
  /** sudo's `-h`: help alone, but `-hhost` (a value only when attached) runs on that host. */
  helpUnlessAttached?: string;
}

const RUNNERS: Record<string, Runner> = {
  sudo: {
    withValue: 'aCcDgpRrTtUu',
    noCommand: 'eKlVv',
    helpUnlessAttached: 'h',
    longWithValue: new Set(['auth-type', 'close-from', 'login-class', 'chdir', 'group', 'host', 'prompt', 'chroot', 'role', 'type', 'command-timeout', 'other-user', 'user']),
    longNoCommand: new Set(['edit', 'remove-timestamp', 'list', 'version', 'validate', 'help']),
  },
  doas: { withValue: 'au', noCommand: 'CL' },
};

/** Command words of a history entry: the first word of each command in a pipeline or list, or on each line of a multi-line command. */
export function commandWords(line: string): string[] {
  return line
    .split(/\|\|?|&&|;|\n|\$\(|`/)
    .map((part) => commandWord(part.trim().split(/\s+/).filter(Boolean)))
    .filter((w): w is string => Boolean(w));
}

/** The program a simple command runs (its last path segment), or none. */
function commandWord(words: string[]): string | undefined {
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    const name = word.split('/').pop()!;
    if (ASSIGNMENT.test(word) || PREFIXES.has(name)) {
      i++;
      continue;
    }
    if (NO_COMMAND.has(name)) return undefined;
    const runner = RUNNERS[name];
    if (!runner) return name;
    const next = afterOptions(runner, words, i + 1);
    if (next === undefined) return undefined;
    i = next;
  }
  return undefined;
}

/** The index of the first word after a runner's options, or undefined when it runs no command. */
function afterOptions(runner: Runner, words: string[], from: number): number | undefined {
  for (let i = from; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') return i + 1;
    if (word.startsWith('--')) {
      const [name, value] = word.slice(2).split(/=(.*)/s) as [string, string | undefined];
      if (runner.longNoCommand?.has(name)) return undefined;
      if (runner.longWithValue?.has(name) && value === undefined) i++;
      continue;
    }
    if (!word.startsWith('-') || word === '-') return i;
    // A cluster of short options (`-iu alice`, `-uroot`): a value option takes the rest of the word, or the next word.
    for (let k = 1; k < word.length; k++) {
      const c = word[k]!;
      const last = k === word.length - 1;
      if (runner.noCommand.includes(c) || (runner.helpUnlessAttached === c && last)) return undefined;
      if (runner.helpUnlessAttached === c) break;
      if (runner.withValue.includes(c)) {
        if (last) i++;
        break;
      }
    }
  }
  return undefined;
}
