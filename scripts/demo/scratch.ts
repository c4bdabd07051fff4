import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { flakePathProblem } from '@autopoietic/core/adapters';
import { HostPolicy } from '@autopoietic/core/schemas';
import { UsageError } from './options.js';
import { commitAll, visibleFiles } from './git.js';

/** Where everything the demo makes lives: one temp directory, removed at the end unless --keep. */
export interface Scratch {
  dir: string;
  /** The git copy of the genome that every command works on. */
  genome: string;
  head: string;
  /** --memory-dir of every command: the ledgers, logs and evidence bundles. */
  memory: string;
  evidence: string;
  /**
   * --etc-dir holding the host policy: mode mutate-live, so every gate may run. It sets no
   * memory_dir: the commands get --memory-dir, and install-plan then seeds the installed system's
   * ledgers at the default /var/lib/autopoietic inside the target root.
   */
  etc: string;
  /** A second policy dir in observe-only mode, to show that install-apply is refused there. */
  etcObserveOnly: string;
  /** The install target root (P3 writes seed files only here). */
  target: string;
  /** --work-dir for candidates (must be empty again after every gate). */
  work: string;
}

// Never copied from a genome that is not a git work tree (for one that is, git's ignore rules decide).
const SKIP_NAMES = new Set(['.git', 'node_modules', '.direnv', 'result']);
const SKIP_MEMORY = /^memory\/(.*\.jsonl|evidence(\/.*)?|logs(\/.*)?|cache(\/.*)?)$/;

export function createScratch(genomeSource: string): Scratch {
  // The scratch genome and the candidates live here, and Nix is run on them.
  const unusable = flakePathProblem(tmpdir());
  if (unusable) throw new UsageError(`the system temp dir ${tmpdir()} ($TMPDIR): ${unusable}; run with TMPDIR set to a path without them, e.g. TMPDIR=/tmp`);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aos-demo-')));
  const s: Scratch = {
    dir,
    genome: join(dir, 'genome'),
    head: '',
    memory: join(dir, 'memory'),
    evidence: join(dir, 'memory', 'evidence'),
    etc: join(dir, 'etc'),
    etcObserveOnly: join(dir, 'etc-observe-only'),
    target: join(dir, 'target'),
    work: join(dir, 'work'),
  };
  for (const d of [s.genome, s.evidence, s.etc, s.etcObserveOnly, s.target, s.work]) mkdirSync(d, { recursive: true });
  copyGenome(genomeSource, s.genome);
  s.head = commitAll(s.genome, 'genome copied for the pipeline demo');
  writePolicy(s.etc, { mode: 'mutate-live' });
  writePolicy(s.etcObserveOnly, { mode: 'observe-only' });
  return s;
}

function writePolicy(etcDir: string, policy: HostPolicy): void {
  writeFileSync(join(etcDir, 'mutation-runner.json'), `${JSON.stringify(HostPolicy.parse(policy), null, 2)}\n`);
}

function copyGenome(from: string, to: string): void {
  const files = visibleFiles(from) ?? walk(from, '');
  for (const rel of files) {
    const src = join(from, rel);
    let st: Stats;
    try {
      st = lstatSync(src);
    } catch {
      continue; // tracked but deleted in the work tree: the user does not see it either
    }
    const dst = join(to, rel);
    mkdirSync(dirname(dst), { recursive: true });
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (st.isFile()) copyFileSync(src, dst);
  }
}

function walk(root: string, rel: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (SKIP_NAMES.has(entry.name) || entry.name.startsWith('result-') || SKIP_MEMORY.test(path)) continue;
    if (entry.isDirectory()) out.push(...walk(root, path));
    else out.push(path);
  }
  return out;
}
