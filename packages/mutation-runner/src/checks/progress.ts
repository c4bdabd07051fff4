import type { NixProgressEvent } from '@autopoietic/core/adapters';
import { terminalLine } from '@autopoietic/core/cli-kit';
import type { CheckStatus } from './status.js';

/**
 * Progress of long checks on a terminal: one short stderr line per event worth knowing (a
 * check starts or ends, a Nix build starts or ends), throttled per check. Only used when stderr
 * is a TTY; otherwise the run is quiet and the logs say everything. A check's name is the
 * proposal author's text, so it is printed through terminalLine: raw, its ESC, CR or newline drew
 * whatever line the author liked ("nix-flake-check: passed") on the operator's terminal.
 */
export interface ProgressReporter {
  started(check: string): void;
  finished(check: string, status: CheckStatus): void;
  forCheck(check: string): (e: NixProgressEvent) => void;
}

export function terminalProgress(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`), throttleMs = 300): ProgressReporter {
  const last = new Map<string, number>();
  const t0 = Date.now();
  const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
  return {
    started: (check) => write(`${stamp()} ${terminalLine(check)}: started`),
    finished: (check, status) => write(`${stamp()} ${terminalLine(check)}: ${status}`),
    forCheck: (check) => (e) => {
      const now = Date.now();
      if (e.kind !== 'build-done' && now - (last.get(check) ?? 0) < throttleMs) return;
      last.set(check, now);
      const what = terminalLine(e.what.replace(/^\/nix\/store\/[0-9a-z]{32}-/, ''));
      const verb = e.kind === 'build-start' ? 'building' : e.kind === 'build-done' ? 'built' : 'copying';
      write(`${stamp()} ${terminalLine(check)}: ${verb} ${what} (${e.done} built, ${e.running} running)`);
    },
  };
}
