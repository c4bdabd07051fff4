import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { AosError, getLogger } from '@autopoietic/core/cli-kit';
import { nowRfc3339 } from '@autopoietic/core/canonical';
import { resolveEtcDir, resolveGenomeRoot, resolveMemoryDir } from '@autopoietic/core/paths';
import type { SelfState } from '@autopoietic/core/schemas';
import { describeCompiledError, loadCompiledValidator, SCHEMA_VERSION } from '@autopoietic/core/schemas/compiled';
import { canonicalRoot } from './genome-root.js';
import { observeBody } from './observe/body/index.js';
import { userHome } from './observe/body/home.js';
import { currentHostname } from './observe/body/platform.js';
import { observeGenome, type GenomeObservation, type Jobs } from './observe/genome/index.js';
import { identityFrom, readIdentityFile, type IdentityFileRead } from './observe/identity.js';
import { observeMemory } from './observe/memory/index.js';
import { piecesToBytes, piecesToText, prettyAt, prettyObject } from './observe/json-text.js';
import { painPoints, type HostFileProblem } from './observe/pain-points.js';
import { checkIntrospectOptions } from './options.js';
import { trace } from './observe/trace.js';

export interface IntrospectOptions {
  /** Genome root (default: the nearest ancestor of cwd with a flake.nix, else cwd). */
  root?: string;
  memoryDir?: string;
  etcDir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  projectRoots?: string[];
  maxProjectFiles?: number;
  journalLines?: number;
  /** true/false force it; undefined follows observation.json (default off). */
  includeShellHistory?: boolean;
  shellHistoryLines?: number;
  /** Also evaluate the flake (`nix flake show --json`). */
  eval?: boolean;
  /** Use the parse cache under the memory directory (default true). */
  cache?: boolean;
  /** Parse workers: a number, or 'auto' (one per core when the tree is large enough). */
  jobs?: Jobs;
  /** Where to look instead of the real host (tests, mounted roots). */
  home?: string;
  profilesDir?: string;
  currentSystem?: string;
}

/** An observation: the self-state, and its JSON text produced without re-serialising a reused genome. */
export interface SelfObservation {
  /** The self-state as an object (a genome reused from the memo is parsed on first use). */
  state(): SelfState;
  /** Exactly `JSON.stringify(state(), null, 2)`, as UTF-8 pieces (a reused genome's bytes as stored). */
  jsonBytes(): Buffer[];
  /** The same as text. */
  json(): string;
  /** The genome memo this run writes for the next: settled once it is on disk, or failed quietly. */
  written: Promise<void>;
}

/** Observes the genome, the running body and the memory into one validated self-state. */
export async function introspect(opts: IntrospectOptions = {}): Promise<SelfState> {
  const observed = await observeSelf(opts);
  await observed.written;
  return observed.state();
}

export async function observeSelf(opts: IntrospectOptions = {}): Promise<SelfObservation> {
  checkIntrospectOptions(opts);
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const root = canonicalRoot(resolveGenomeRoot({ root: opts.root, cwd }));
  const etcDir = resolveEtcDir({ etcDir: opts.etcDir, cwd, env });
  const memory = resolveMemoryDir({ root, memoryDir: opts.memoryDir, etcDir: opts.etcDir, cwd, env });
  const observedAt = nowRfc3339();
  trace('started');
  const home = opts.home ?? userHome();
  const userProfile = home === undefined ? undefined : lstatOrUndefined(join(home, '.nix-profile'));
  // The body first: its probes spawn processes, which is cheapest while this heap is still small.
  const [body, genome, mem] = await Promise.all([
    observeBody({
      genomeRoot: root,
      etcDir,
      projectRoots: (opts.projectRoots ?? []).map((p) => absolute(p, cwd)),
      maxProjectFiles: opts.maxProjectFiles ?? 2000,
      journalLines: opts.journalLines ?? 0,
      includeShellHistory: opts.includeShellHistory,
      shellHistoryLines: opts.shellHistoryLines ?? 200,
      ...(home ? { home } : {}),
      userProfile,
      ...(opts.profilesDir ? { profilesDir: opts.profilesDir } : {}),
      ...(opts.currentSystem ? { currentSystem: opts.currentSystem } : {}),
    }),
    observeGenome({ root, memoryDir: memory.dir, eval: opts.eval ?? false, cache: opts.cache ?? true, jobs: opts.jobs ?? 'auto' }),
    observeMemory(memory.dir, memory.source),
  ]);
  trace('observed');
  const identityFile = readIdentityFile(etcDir);
  const identity = identityFrom(identityFile, genome.hosts, currentHostname());
  const hostFiles = passedOverHostFiles(identityFile, body.observation_config);
  const rest = { schema_version: SCHEMA_VERSION as Parts['schema_version'], observed_at: observedAt, identity, body, memory: mem };
  const parts: Parts = { ...rest, pain_points: painPoints(rest, genome.pains, hostFiles) };
  await validate(parts, genome);
  trace('validated');
  const written = genome.remember();
  trace('memo started');
  await genome.saved; // parse_stats.cache reports how the cache write went
  warnCacheFailure(genome.cacheFailure());
  trace('remembered');
  return observation(parts, genome, written);
}

/**
 * Said once on stderr, as well as in parse_stats.cache: a cache that cannot be written (a
 * read-only checkout holding the memory directory, a CI user who does not own it) makes every run
 * parse the whole genome, and a JSON field nobody reads does not say why CI got slow.
 */
function warnCacheFailure(reason: string | undefined): void {
  if (reason === undefined) return;
  getLogger().warn(
    { reason },
    'the parse cache is not used: every run parses the whole genome. Point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable directory, or pass --no-cache',
  );
}

/**
 * identity.json and observation.json files that are there but were passed over, each also said
 * once on stderr: observation goes on without them, and nothing else would tell an operator that
 * a hand-edited file is being ignored.
 */
function passedOverHostFiles(identity: IdentityFileRead, observation: SelfState['body']['observation_config']): HostFileProblem[] {
  const out: HostFileProblem[] = [];
  if (identity.problem !== undefined) out.push({ path: identity.path, problem: identity.problem });
  if (observation.error !== undefined) out.push({ path: observation.path, problem: observation.error });
  for (const f of out) getLogger().warn({ path: f.path, problem: f.problem }, `${f.path} is ignored: ${f.problem}. Fix or regenerate it (the autopoietic NixOS modules write it)`);
  return out;
}

type Parts = Omit<SelfState, 'genome'>;

/** The properties in the order JSON.stringify(state) gives them (the order of the schema). */
function withGenome<G>(p: Parts, genome: G): Omit<SelfState, 'genome'> & { genome: G } {
  return { schema_version: p.schema_version, observed_at: p.observed_at, identity: p.identity, genome, body: p.body, memory: p.memory, pain_points: p.pain_points };
}

function observation(parts: Parts, genome: GenomeObservation, written: Promise<void>): SelfObservation {
  const pieces = () => prettyObject(Object.entries(withGenome(parts, undefined)).map(([k, v]) => [k, k === 'genome' ? genome.pieces() : prettyAt(v, 1)]), 0);
  return {
    state: () => withGenome(parts, genome.state()),
    jsonBytes: () => piecesToBytes(pieces()),
    json: () => piecesToText(pieces()),
    written,
  };
}

/**
 * The output is checked against its own schema (the committed JSON Schema, compiled ahead of
 * time; zod only explains a failure): an invalid self-state is a bug, never printed. Each module
 * entry was checked by the thread that made it (validateModuleEntry), so the genome is checked
 * here with `modules` empty, which together is the whole schema. A genome reused from the memo
 * was checked when it was first assembled; re-checking thousands of unchanged modules would cost
 * more than the cache saves, so only the rest is checked then.
 */
async function validate(parts: Parts, genome: GenomeObservation): Promise<void> {
  const view = genome.forValidation();
  const badModule = view.invalidModules[0];
  if (badModule !== undefined) throw invalidSelfState(`at genome.modules (${badModule})`);
  const check = await loadCompiledValidator('self-state', view.genome ? 'validate' : 'validateWithoutGenome');
  const value = withGenome(parts, view.genome ?? {});
  if (check?.(value)) return;
  const { SelfState: schema } = await import('@autopoietic/core/schemas');
  const r = view.genome ? schema.safeParse(value) : schema.omit({ genome: true }).safeParse(parts);
  // Without a compiled validator zod decides; with one, a refusal stands (zod only words it).
  if (r.success && !check) return;
  const issue = r.success ? undefined : r.error.issues[0];
  throw invalidSelfState(issue ? `at ${issue.path.map(String).join('.')}: ${issue.message}` : check ? `at ${describeCompiledError(check)}` : '');
}

function invalidSelfState(where: string): AosError {
  return new AosError('self-state-invalid', `internal error: the observed self-state does not match its schema ${where}`, {
    hint: 'Report this as a bug, with the command line that produced it.',
  });
}

function lstatOrUndefined(path: string): string | undefined {
  try {
    lstatSync(path);
    return path;
  } catch {
    return undefined;
  }
}

function absolute(p: string, cwd: string): string {
  return p.startsWith('/') ? p : `${cwd}/${p}`.replace(/\/+/g, '/');
}
