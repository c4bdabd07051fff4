import { resolve } from 'node:path';
import type { BodyState } from '@autopoietic/core/schemas';
import { DEFAULT_CURRENT_SYSTEM, DEFAULT_PROFILES_DIR, observeGenerations } from './generations.js';
import { observeJournal } from './journal.js';
import { readObservationConfig } from './observation-config.js';
import { observePackages } from './packages.js';
import { observePlatform } from './platform.js';
import { summarizeProject } from './projects.js';
import { readShellHistory } from './shell-history.js';
import { observeSystemd } from './systemd.js';

export interface BodyOptions {
  genomeRoot: string;
  etcDir: string;
  /** --project-root values (absolute); empty means "from observation.json, else the genome root". */
  projectRoots: string[];
  maxProjectFiles: number;
  journalLines: number;
  /** --include-shell-history; undefined means "as observation.json says" (default off). */
  includeShellHistory: boolean | undefined;
  shellHistoryLines: number;
  /** Absolute; none when the user has no home directory (userHome). */
  home?: string;
  /** ~/.nix-profile when it exists, looked up before anything runs `nix` (see packages.ts). */
  userProfile: string | undefined;
  profilesDir?: string;
  currentSystem?: string;
}

/** The running system. Every probe degrades to `available: false` with a reason; none throws. */
export async function observeBody(opts: BodyOptions): Promise<BodyState> {
  const observation = await readObservationConfig(opts.etcDir);
  const [systemd, installed, journal] = await Promise.all([observeSystemd(), observePackages(opts.userProfile), observeJournal(opts.journalLines)]);
  const roots = projectRoots(opts, observation.config?.project_roots);
  const history = historyChoice(opts.includeShellHistory, observation.config?.include_shell_history_by_default);
  return {
    platform: observePlatform(),
    systemd,
    installed_packages: installed,
    generations: observeGenerations(opts.profilesDir ?? DEFAULT_PROFILES_DIR, opts.currentSystem ?? DEFAULT_CURRENT_SYSTEM),
    journal,
    projects: roots.paths.map((p) => summarizeProject(p, opts.maxProjectFiles)),
    project_roots_source: roots.source,
    shell_history: history.include
      ? readShellHistory(opts.home, opts.shellHistoryLines, history.source)
      : { included: false, reason: history.reason },
    observation_config: { path: observation.path, present: observation.present, valid: observation.valid, ...(observation.error ? { error: observation.error } : {}) },
  };
}

function projectRoots(opts: BodyOptions, fromConfig: string[] | undefined): { paths: string[]; source: BodyState['project_roots_source'] } {
  if (opts.projectRoots.length) return { paths: opts.projectRoots, source: 'flag' };
  // Absolute (the schema refuses a file with an empty or relative root): resolve() only normalises.
  if (fromConfig?.length) return { paths: fromConfig.map((p) => resolve(p)), source: 'observation.json' };
  return { paths: [opts.genomeRoot], source: 'genome-root' };
}

type HistoryChoice = { include: true; source: 'flag' | 'observation.json' } | { include: false; reason: string };

export function historyChoice(flag: boolean | undefined, configDefault: boolean | undefined): HistoryChoice {
  if (flag === true) return { include: true, source: 'flag' };
  if (flag === false) return { include: false, reason: 'disabled' };
  if (configDefault === true) return { include: true, source: 'observation.json' };
  return { include: false, reason: configDefault === false ? 'disabled (observation.json)' : 'disabled' };
}
