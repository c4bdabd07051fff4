import type { GenomeState, PainPoint, SelfState } from '@autopoietic/core/schemas';
import { UNREADABLE_REMEDY } from '@autopoietic/core/vocab';
import { commandWords } from './command-words.js';
import { NOT_CHECKED_OUT } from './genome/sparse.js';

/**
 * Pain points: recurring friction a new organ or a fix could remove, each with the observations
 * it rests on. History tokens must be a command word (not a substring of another word) and be
 * seen at least twice ("repeated"); the other signals come from the body, genome and memory.
 */
const HISTORY_RULES: { tokens: string[]; signal: string; candidate: string }[] = [
  { tokens: ['pdftotext', 'zotero', 'ocrmypdf'], signal: 'repeated manual PDF tooling', candidate: 'create a research-papers organ' },
  { tokens: ['uv', 'pytest', 'ruff'], signal: 'repeated Python project setup', candidate: 'create a python-dev devShell' },
  { tokens: ['ffmpeg', 'imagemagick', 'magick', 'yt-dlp'], signal: 'repeated media processing', candidate: 'create a media-pipeline organ' },
];

const MIN_REPEATS = 2;

/** A file of the host configuration directory that is there but cannot be used, and why. */
export interface HostFileProblem {
  path: string;
  problem: string;
}

/**
 * The pain points of a self-state; the genome's come from `genomePains`, computed with the genome
 * (and memoised with it), and `hostFiles` are the files of the etc directory that were passed over.
 */
export function painPoints(state: Omit<SelfState, 'pain_points' | 'genome'>, fromGenome: PainPoint[], hostFiles: HostFileProblem[] = []): PainPoint[] {
  return [...historyPains(state.body.shell_history.entries ?? []), ...bodyPains(state), ...hostFilePains(hostFiles), ...fromGenome, ...memoryPains(state)];
}

/**
 * identity.json or observation.json there but unusable: observation goes on without them (the
 * hostname, the genome root as project root), which a user reading only the result would not see.
 */
function hostFilePains(problems: HostFileProblem[]): PainPoint[] {
  if (!problems.length) return [];
  return [
    {
      signal: 'host configuration files passed over',
      evidence: problems.map((p) => `${p.path}: ${p.problem}`),
      candidate: 'fix or regenerate them (the autopoietic NixOS modules write them from autopoietic.identity.* and autopoietic.observation.*); until then they are ignored',
      source: 'host-configuration',
    },
  ];
}

function historyPains(entries: string[]): PainPoint[] {
  const counts = new Map<string, number>();
  for (const e of entries) for (const w of commandWords(e)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return HISTORY_RULES.flatMap((rule) => {
    const hits = rule.tokens.filter((t) => counts.has(t)).sort();
    const total = hits.reduce((n, t) => n + counts.get(t)!, 0);
    if (total < MIN_REPEATS) return [];
    return [{ signal: rule.signal, evidence: hits.map((t) => `${t}: ${counts.get(t)} command(s) in shell history`), candidate: rule.candidate, source: 'shell-history' as const }];
  });
}

function bodyPains(state: Pick<SelfState, 'body'>): PainPoint[] {
  const out: PainPoint[] = [];
  const failed = state.body.systemd.units.filter((u) => u.active === 'failed').map((u) => `${u.name} (${u.sub})`);
  if (failed.length) out.push({ signal: 'failed systemd units', evidence: failed, candidate: 'repair or retire the failing units in the genome', source: 'systemd' });
  const dangling = state.body.generations.system_generations.filter((g) => g.dangling);
  if (dangling.length) {
    out.push({
      signal: 'system generations whose store path is gone',
      evidence: dangling.map((g) => `${g.path} -> ${g.target} (does not exist)`),
      candidate: `delete them (nix-env --profile ${state.body.generations.profiles_dir}/system --delete-generations ${dangling.map((g) => g.generation).join(' ')}) and rebuild the boot entries (/run/current-system/bin/switch-to-configuration boot): they can be neither booted nor rolled back to`,
      source: 'generations',
    });
  }
  return out;
}

/** Files not checked out, files that do not parse, imports of missing files, inputs flake.lock does not lock. */
export function genomePains(
  genome: Pick<GenomeState, 'nix_files'> & Partial<Pick<GenomeState, 'skipped'>> & { modules: Pick<GenomeState['modules'][number], 'path' | 'imports'>[] },
  unlockedInputs: string[],
): PainPoint[] {
  const out: PainPoint[] = [];
  const leftOut = (genome.skipped ?? []).filter((s) => s.reason === NOT_CHECKED_OUT);
  if (leftOut.length) {
    out.push({
      signal: 'genome files not checked out',
      evidence: leftOut.map((s) => s.path),
      candidate: 'observe a full checkout: git sparse-checkout disable (or fetch without sparse-checkout in CI); hosts and imports of these files are reported missing',
      source: 'genome',
    });
  }
  const broken = genome.nix_files.filter((f) => f.parse.status === 'syntax-error');
  if (broken.length) {
    out.push({
      signal: 'genome files that do not parse',
      evidence: broken.map((f) => `${f.parse.diagnostics[0]?.location ?? f.path}: ${f.parse.diagnostics[0]?.message ?? 'syntax error'}`),
      candidate: 'fix the syntax errors before proposing mutations',
      source: 'genome',
    });
  }
  const missing = genome.modules.flatMap((m) => m.imports.filter((i) => i.status === 'missing').map((i) => `${m.path}:${i.line} imports ${i.expr} (${i.target} does not exist)`));
  if (missing.length) out.push({ signal: 'imports of files that do not exist', evidence: missing, candidate: 'restore the files or drop the imports', source: 'genome' });
  if (unlockedInputs.length) {
    out.push({
      signal: 'flake inputs declared but not locked',
      evidence: unlockedInputs.map((n) => `inputs.${n} is in flake.nix but not in flake.lock`),
      candidate: 'update flake.lock (nix flake lock) in a verified mutation',
      source: 'genome',
    });
  }
  return out;
}

function memoryPains(state: Pick<SelfState, 'memory'>): PainPoint[] {
  const out: PainPoint[] = [];
  const damaged = state.memory.ledgers.filter((l) => l.status === 'broken' || l.status === 'torn-tail');
  if (damaged.length) {
    out.push({
      signal: 'damaged ledgers',
      evidence: damaged.map((l) => `${l.path}: ${l.status}${l.first_problem ? ` (${l.first_problem})` : ''}`),
      candidate: 'inspect with `mutation-journal ledger verify`; a torn tail is fixed by `mutation-journal ledger repair`',
      source: 'memory',
    });
  }
  // A ledger this user may not read is not known to be damaged: `ledger repair` is no remedy.
  const unreadable = state.memory.ledgers.filter((l) => l.status === 'unreadable');
  if (unreadable.length) {
    out.push({
      signal: 'ledgers this user may not read',
      evidence: unreadable.map((l) => `${l.path}: ${l.first_problem}`),
      candidate: UNREADABLE_REMEDY,
      source: 'memory',
    });
  }
  return out;
}
