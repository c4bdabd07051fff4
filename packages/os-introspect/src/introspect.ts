import { lstatSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AosError } from '@autopoietic/core/cli-kit';
import { nowRfc3339 } from '@autopoietic/core/canonical';
import { resolveEtcDir, resolveGenomeRoot, resolveMemoryDir } from '@autopoietic/core/ledger';
import { SCHEMA_VERSION, SelfState } from '@autopoietic/core/schemas';
import { observeBody } from './observe/body/index.js';
import { currentHostname } from './observe/body/platform.js';
import { observeGenome, type Jobs } from './observe/genome/index.js';
import { resolveIdentity } from './observe/identity.js';
import { observeMemory } from './observe/memory/index.js';
import { painPoints } from './observe/pain-points.js';
import { errCode } from './observe/walk.js';

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

/** Observes the genome, the running body and the memory into one validated self-state. */
export async function introspect(opts: IntrospectOptions = {}): Promise<SelfState> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const root = canonicalRoot(resolveGenomeRoot({ root: opts.root, cwd }));
  const etcDir = resolveEtcDir({ etcDir: opts.etcDir, cwd, env });
  const memory = resolveMemoryDir({ root, memoryDir: opts.memoryDir, etcDir: opts.etcDir, cwd, env });
  const observedAt = nowRfc3339();
  const home = opts.home ?? homedir();
  const userProfile = lstatOrUndefined(join(home, '.nix-profile'));
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
      home,
      userProfile,
      ...(opts.profilesDir ? { profilesDir: opts.profilesDir } : {}),
      ...(opts.currentSystem ? { currentSystem: opts.currentSystem } : {}),
    }),
    observeGenome({ root, memoryDir: memory.dir, eval: opts.eval ?? false, cache: opts.cache ?? true, jobs: opts.jobs ?? 'auto' }),
    observeMemory(memory.dir, memory.source),
  ]);
  const identity = resolveIdentity(etcDir, genome.state.hosts, currentHostname());
  const state: Omit<SelfState, 'pain_points'> = { schema_version: SCHEMA_VERSION, observed_at: observedAt, identity, genome: genome.state, body, memory: mem };
  return validated({ ...state, pain_points: painPoints(state, genome.unlockedInputs) }, genome.fresh);
}

function lstatOrUndefined(path: string): string | undefined {
  try {
    lstatSync(path);
    return path;
  } catch {
    return undefined;
  }
}

function canonicalRoot(root: string): string {
  try {
    const real = realpathSync(root);
    if (statSync(real).isDirectory()) return real;
    throw new AosError('root-not-directory', `genome root ${root} is not a directory`, { hint: 'Point --root at the directory that holds flake.nix.' });
  } catch (e) {
    if (e instanceof AosError) throw e;
    throw new AosError('root-not-found', `failed to resolve genome root ${root} (${errCode(e)})`, {
      hint: 'Check the --root path (it must exist), or run os-introspect inside the genome.',
      cause: e,
    });
  }
}

function absolute(p: string, cwd: string): string {
  return p.startsWith('/') ? p : `${cwd}/${p}`.replace(/\/+/g, '/');
}

/**
 * The output is checked against its own schema: an invalid self-state is a bug, never printed.
 * A genome reused from the memo was checked when it was first assembled; re-checking thousands
 * of unchanged modules would cost more than the cache saves, so only the rest is checked then.
 */
const WithoutGenome = SelfState.omit({ genome: true });

function validated(state: SelfState, genomeFresh: boolean): SelfState {
  if (genomeFresh) return check(SelfState.safeParse(state));
  const { genome, ...rest } = state;
  const r = check(WithoutGenome.safeParse(rest));
  return { schema_version: r.schema_version, observed_at: r.observed_at, identity: r.identity, genome, body: r.body, memory: r.memory, pain_points: r.pain_points };
}

function check<T>(r: { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }): T {
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AosError('self-state-invalid', `internal error: the observed self-state does not match its schema at ${issue?.path.map(String).join('.')}: ${issue?.message}`, {
    hint: 'Report this as a bug, with the command line that produced it.',
  });
}
