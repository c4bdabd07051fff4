/**
 * The command words of a shell-history entry: the program each command of a pipeline or list
 * runs, also through a program that runs another (`sudo`, `doas`, `env`, `nice`, `nohup`, `time`,
 * `command`, `exec`, `timeout`, `xargs`). `sudo -u alice ffmpeg …` runs ffmpeg, not `-u`, and
 * `timeout -s KILL 10m ffmpeg …` ffmpeg, not `10m`; `sudo -i` with no command, `sudo -l`,
 * `sudoedit` and `command -v ffmpeg` run none.
 */

/** A shell assignment (`FOO=1 cmd`), also as sudo and env take them after their options (`env http_proxy=x cmd`). */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * A redirection word (`>log`, `2>&1`, `&>>out`, `<in`, `<<<str`): no command, wherever it stands
 * (`exec >log 2>&1` runs none, `>out ffmpeg` runs ffmpeg). Group 1 is an attached target; when it
 * is empty the target is the next word (`> log`).
 */
const REDIRECTION = /^\d*(?:&>>|&>|>>|>&|<&|>\||<<<|<<-|<<|<>|>|<)(.*)$/s;

/** Words that run no command of their own: their arguments are files (`sudoedit /etc/hosts`). */
const NO_COMMAND = new Set(['sudoedit']);

/**
 * A program that runs the command after its options (and `operands`): its options that take a
 * value (as the next word, or attached: `-uroot`, `--user=root`), and those with which it runs no
 * command at all (list, edit, look a command up, version, help). An option not listed takes no
 * value. Run with no command, such a program runs none (`sudo`, `nice`, `env` alone).
 */
interface Runner {
  withValue: string;
  noCommand: string;
  longWithValue?: Set<string>;
  longNoCommand?: Set<string>;
  /** sudo's `-h`: help alone, but `-hhost` (a value only when attached) runs on that host. */
  helpUnlessAttached?: string;
  /** Options whose value is optional, so only ever attached (xargs' `-i{}`, `-l1`): never the next word. */
  attachedOnly?: string;
  /** Words between the options and the command: timeout's duration. */
  operands?: number;
  /** `-` alone is an option (env's `-`, `-i`), not the command. */
  dashIsOption?: boolean;
  /** Options whose value, as the next word, is the command line itself (env's `-S 'ffmpeg -i'`). */
  commandInValue?: string;
  longCommandInValue?: Set<string>;
}

const HELP_VERSION = new Set(['help', 'version']);
const NONE: Runner = { withValue: '', noCommand: '' };

/**
 * From sudo(8) 1.9 (sudo-rs takes a subset), OpenBSD/opendoas doas(1), GNU coreutils 9 env(1),
 * nice(1), nohup(1) and timeout(1), GNU time(1) (bash's `time` keyword takes only `-p`), bash's
 * `command` and `exec` builtins, and GNU findutils xargs(1), whose options with an optional value
 * (`-i[R]`, `-l[N]`, `-e[E]`, `--replace[=R]`) take it only attached. xargs with no command runs
 * echo, which the history does not show: it gives no command word.
 */
const RUNNERS: Record<string, Runner> = {
  sudo: {
    withValue: 'aCcDgpRrTtUu',
    noCommand: 'eKlVv',
    helpUnlessAttached: 'h',
    longWithValue: new Set(['auth-type', 'close-from', 'login-class', 'chdir', 'group', 'host', 'prompt', 'chroot', 'role', 'type', 'command-timeout', 'other-user', 'user']),
    longNoCommand: new Set(['edit', 'remove-timestamp', 'list', 'version', 'validate', 'help']),
  },
  doas: { withValue: 'au', noCommand: 'CL' },
  env: {
    withValue: 'uCa',
    noCommand: '',
    longWithValue: new Set(['unset', 'chdir', 'argv0']),
    longNoCommand: new Set([...HELP_VERSION, 'list-signal-handling']),
    dashIsOption: true,
    commandInValue: 'S',
    longCommandInValue: new Set(['split-string']),
  },
  nice: { withValue: 'n', noCommand: '', longWithValue: new Set(['adjustment']), longNoCommand: HELP_VERSION },
  nohup: { ...NONE, longNoCommand: HELP_VERSION },
  time: { withValue: 'fo', noCommand: 'V', longWithValue: new Set(['format', 'output']), longNoCommand: HELP_VERSION },
  command: { withValue: '', noCommand: 'vV' },
  exec: { withValue: 'a', noCommand: '' },
  timeout: { withValue: 'ks', noCommand: '', longWithValue: new Set(['kill-after', 'signal']), longNoCommand: HELP_VERSION, operands: 1 },
  xargs: {
    withValue: 'adEILnPs',
    noCommand: '',
    attachedOnly: 'eil',
    longWithValue: new Set(['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var']),
    longNoCommand: HELP_VERSION,
  },
};

/** Command words of a history entry: the first word of each command in a pipeline or list, or on each line of a multi-line command. */
export function commandWords(line: string): string[] {
  return line
    .split(/\|\|?|&&|;|\n|\$\(|`/)
    .map((part) => commandWord(part.trim().split(/\s+/).filter(Boolean)))
    .filter((w): w is string => Boolean(w));
}

/** The program a simple command runs (its last path segment, unquoted: `'ffmpeg'` is ffmpeg), or none. */
function commandWord(words: string[]): string | undefined {
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    const redirection = REDIRECTION.exec(word);
    if (redirection) {
      i += redirection[1] === '' ? 2 : 1;
      continue;
    }
    if (ASSIGNMENT.test(word)) {
      i++;
      continue;
    }
    const name = word.split('/').pop()!.replace(/^['"]|['"]$/g, '');
    if (NO_COMMAND.has(name)) return undefined;
    const runner = RUNNERS[name];
    if (!runner) return name || undefined;
    const next = afterOptions(runner, words, i + 1);
    if (next === undefined) return undefined;
    i = next + (runner.operands ?? 0);
  }
  return undefined;
}

/** The index of the first word after a runner's options, or undefined when it runs no command (or one this does not read). */
function afterOptions(runner: Runner, words: string[], from: number): number | undefined {
  for (let i = from; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') return i + 1;
    if (word.startsWith('--')) {
      const [name, value] = word.slice(2).split(/=(.*)/s) as [string, string | undefined];
      if (runner.longNoCommand?.has(name)) return undefined;
      // `--split-string=…`: the command is inside this word, which is not split here.
      if (runner.longCommandInValue?.has(name)) return value === undefined ? i + 1 : undefined;
      if (runner.longWithValue?.has(name) && value === undefined) i++;
      continue;
    }
    if (!word.startsWith('-') || (word === '-' && !runner.dashIsOption)) return i;
    // A cluster of short options (`-iu alice`, `-uroot`): a value option takes the rest of the word, or the next word.
    for (let k = 1; k < word.length; k++) {
      const c = word[k]!;
      const last = k === word.length - 1;
      if (runner.noCommand.includes(c) || (runner.helpUnlessAttached === c && last)) return undefined;
      if (runner.commandInValue?.includes(c)) return last ? i + 1 : undefined;
      if (runner.helpUnlessAttached === c || runner.attachedOnly?.includes(c)) break;
      if (runner.withValue.includes(c)) {
        if (last) i++;
        break;
      }
    }
  }
  return undefined;
}
