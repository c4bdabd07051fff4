/**
 * Nix's `--log-format internal-json` turned back into readable log text, plus progress events.
 *
 * Each stderr line is `@nix {json}`. `msg` actions are the messages Nix would print (warnings,
 * errors); `start` actions with a text are the "building '…'" lines; build log lines (`result`
 * type 101) are left out of the log, as in Nix's default format. Lines that are not `@nix` pass
 * through unchanged.
 */
export interface NixProgressEvent {
  kind: 'build-start' | 'build-done' | 'copy-start';
  /** Derivation or store path the activity is about. */
  what: string;
  running: number;
  done: number;
}

const ACT_BUILD = 105;
const ACT_COPY_PATH = 100;
const LVL_INFO = 3;

/** CSI sequences (colours, cursor moves) Nix puts in its messages on a terminal or with --log-format. */
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Nix's text without its CSI sequences: the one rule for every reader of Nix's messages. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export class NixLogTranslator {
  private readonly builds = new Map<number, string>();
  private done = 0;

  constructor(private readonly onProgress?: (e: NixProgressEvent) => void) {}

  /** The text to log for one stderr line, or null to drop it. */
  line(line: string): string | null {
    if (!line.startsWith('@nix ')) return line;
    let ev: { action?: string; level?: number; msg?: string; text?: string; type?: number; id?: number; fields?: unknown[] };
    try {
      ev = JSON.parse(line.slice(5));
    } catch {
      return line;
    }
    switch (ev.action) {
      case 'msg':
        return typeof ev.msg === 'string' ? stripAnsi(ev.msg) : null;
      case 'start':
        return this.start(ev);
      case 'stop':
        if (ev.id !== undefined && this.builds.has(ev.id)) {
          const what = this.builds.get(ev.id)!;
          this.builds.delete(ev.id);
          this.done++;
          this.onProgress?.({ kind: 'build-done', what, running: this.builds.size, done: this.done });
        }
        return null;
      default: // includes 'result': build log lines (type 101) and progress counters, not part of the default log
        return null;
    }
  }

  private start(ev: { level?: number; text?: string; type?: number; id?: number; fields?: unknown[] }): string | null {
    const text = typeof ev.text === 'string' ? stripAnsi(ev.text) : '';
    if (ev.type === ACT_BUILD && ev.id !== undefined) {
      const what = typeof ev.fields?.[0] === 'string' ? (ev.fields[0] as string) : text;
      this.builds.set(ev.id, what);
      this.onProgress?.({ kind: 'build-start', what, running: this.builds.size, done: this.done });
    } else if (ev.type === ACT_COPY_PATH && typeof ev.fields?.[0] === 'string') {
      this.onProgress?.({ kind: 'copy-start', what: ev.fields[0] as string, running: this.builds.size, done: this.done });
    }
    if (text === '' || (ev.level ?? 0) > LVL_INFO) return null;
    return `${text}...`; // as Nix's default format prints it
  }
}
