import { dirname, relative, isAbsolute, resolve } from 'node:path';
import { getLogger, usageError } from '@autopoietic/core/cli-kit';
import { rawRef, installPlanBundle, prepareSidecar, writeSidecar } from '@autopoietic/core/evidence';
import { isInsideDir, symlinkComponent } from '@autopoietic/core/adapters';
import { appendRecord, ensureDir, ledgerPath } from '@autopoietic/core/ledger';
import { loadHostPolicy } from '@autopoietic/core/policy';
import { nowRfc3339, canonicalJson } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type GenerationRecord, type InstallPlanOutput, type MutationPromotionRecord } from '@autopoietic/core/schemas';
import { loadEvidence, loadInstallLedger } from './evidence.js';
import { promotionIdentity, recordedIdentity } from '../promote/identity.js';
import { withInstallLock } from './install-lock.js';
import { withoutChain } from './ledger-seed.js';
import { checkInstalledDir, validatePlanArgs } from './rules.js';
import { buildSeedFiles, plannedGeneration, type IdentityChoice } from './seeds.js';
import { bundleAfterRecord, type BundleAfterRecord } from '../bundle-after-record.js';

export const DEFAULT_INSTALLED_MEMORY_DIR = '/var/lib/autopoietic';

export interface PlanOptions {
  promotionId?: string | undefined;
  mutationId?: string | undefined;
  targetRoot: string;
  parentGeneration: string;
  resultingGeneration: string;
  record: boolean;
  promotionJournal?: string | undefined;
  verificationJournal?: string | undefined;
  generationJournal?: string | undefined;
  memoryDir?: string | undefined;
  root?: string | undefined;
  installedMemoryDir?: string | undefined;
  evidenceBundle?: string | undefined;
  etcDir?: string | undefined;
  cwd?: string | undefined;
}

/**
 * Where the seed ledgers go inside the installed system: --installed-memory-dir, else the host
 * policy's memory_dir (the managed fleet's convention), else /var/lib/autopoietic (the NixOS
 * module's default for autopoietic.memory.dir).
 */
function installedMemoryDir(opts: PlanOptions): { dir: string; from: string } {
  const flag = '--installed-memory-dir';
  if (opts.installedMemoryDir !== undefined) return { dir: opts.installedMemoryDir, from: flag };
  const policy = loadHostPolicy({ etcDir: opts.etcDir, cwd: opts.cwd });
  const fromPolicy = policy.policy?.memory_dir;
  return fromPolicy === undefined ? { dir: DEFAULT_INSTALLED_MEMORY_DIR, from: flag } : { dir: fromPolicy, from: `memory_dir of host policy ${policy.file}` };
}

/**
 * With --record, the lineage write must not land in (or alias into) the root being planned.
 * A target root of `/` is the running system itself, where every path is "inside": there the
 * rule cannot apply, and install-apply's own check keeps seed writes off the ledgers in use.
 */
function checkRecordPaths(journal: string, targetRoot: string, cwd: string): void {
  const live = resolve(cwd, targetRoot) === '/';
  const rel = relative(resolve(cwd, targetRoot), resolve(cwd, journal));
  if (!live && (rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel)))) {
    throw usageError('journal-inside-target', `generation journal ${journal} must not be inside the target root ${targetRoot}`, 'Keep the planning ledgers outside the system being installed: pass --generation-journal or --memory-dir elsewhere.');
  }
  const link = symlinkComponent(journal, cwd);
  if (link) throw usageError('journal-symlink', `generation journal path ${journal} must not traverse symlinks (${link} is one)`, 'Pass the real path of the ledger.');
  const rootLink = symlinkComponent(targetRoot, cwd);
  if (rootLink) throw usageError('target-root-symlink', `target root ${targetRoot} must not traverse symlinks for --record (${rootLink} is one)`, 'Pass the real path of the target root.');
  if (!live && isInsideDir(journal, targetRoot, cwd)) {
    throw usageError('journal-inside-target', `generation journal ${journal} must not be inside the target root ${targetRoot} (after resolving links)`, 'Keep the planning ledgers outside the system being installed.');
  }
}

/** The plan, and its evidence bundle as written or the error that kept it from being written. */
export interface PlannedInstall extends BundleAfterRecord {
  plan: InstallPlanOutput;
}

/** install-plan: selects and checks the evidence, builds the executable plan and, with --record, journals it. */
export async function planInstall(opts: PlanOptions): Promise<InstallPlanOutput> {
  const { plan, sidecarError } = await planInstallWithBundle(opts);
  if (sidecarError) throw sidecarError;
  return plan;
}

/**
 * planInstall for the command: a bundle that cannot be written after --record journaled the
 * planned generation is reported beside the plan, not instead of it, so the command can print
 * the plan first (as verify and promote print their journaled record).
 */
export async function planInstallWithBundle(opts: PlanOptions): Promise<PlannedInstall> {
  validatePlanArgs(opts); // before anything is read
  const cwd = opts.cwd ?? process.cwd();
  const where = { memoryDir: opts.memoryDir, root: opts.root, etcDir: opts.etcDir, cwd };
  const ledgers = {
    promotions: ledgerPath('promotions', opts.promotionJournal, where),
    results: ledgerPath('results', opts.verificationJournal, where),
    generations: ledgerPath('generations', opts.generationJournal, where),
  };
  const { dir: memDir, from: memDirFrom } = installedMemoryDir(opts);
  checkInstalledDir(memDir, memDirFrom);
  const sidecar = prepareSidecar(opts.evidenceBundle, { inputs: Object.values(ledgers), targetRoot: opts.targetRoot, cwd });
  if (opts.record) checkRecordPaths(ledgers.generations, opts.targetRoot, cwd);

  const { promotion, verification } = await loadEvidence(ledgers, { promotionId: opts.promotionId, mutationId: opts.mutationId });
  const identity = promotedIdentity(promotion);
  const common = { promotion, targetRoot: opts.targetRoot, installedMemoryDir: memDir, identity };
  const generation = plannedGeneration({ ...common, parentGeneration: opts.parentGeneration, resultingGeneration: opts.resultingGeneration });
  const plan: InstallPlanOutput = {
    schema_version: SCHEMA_VERSION,
    generation,
    seed_manifest: {
      schema_version: SCHEMA_VERSION,
      generated_at: nowRfc3339(),
      target_root: opts.targetRoot,
      mutation_id: promotion.mutation_id,
      promotion_id: promotion.promotion_id,
      lineage_status: 'planned',
      files: buildSeedFiles({ ...common, verification, generation }),
    },
  };
  if (opts.record) await recordPlanned(ledgers.generations, generation);
  const bundle = sidecar
    ? bundleAfterRecord(() =>
        writeSidecar(sidecar, installPlanBundle(plan, rawRef('install-plan-output', 'mutation-runner install-plan output', plan), {
          promotion: rawRef('mutation-promotion-record', `${ledgers.promotions}#${promotion.promotion_id}`, promotion),
          verification: rawRef('mutation-verification-record', `${ledgers.results}#${verification.verification_id}`, verification),
        })),
      )
    : {};
  return { plan, ...bundle };
}

/**
 * The identity host P2 read from the genome it promoted. Never the live genome: it may have
 * changed since, and it lacks the patch. A promotion made before P2 recorded the host gets the
 * configuration label (the reference's behaviour), and the log says why.
 */
function promotedIdentity(promotion: MutationPromotionRecord): IdentityChoice {
  if (!recordedIdentity(promotion.metadata)) {
    getLogger().info({ promotion: promotion.promotion_id }, 'the promotion recorded no identity host (promoted by an older mutation-runner); the identity seed uses the configuration label; promote again to seed the genome\'s host');
  }
  return promotionIdentity(promotion);
}

/**
 * Appends the planned record once: re-recording the identical (deterministic) record is a no-op.
 * The look and the append happen under the install lock, so runs at the same time append it once.
 */
async function recordPlanned(journal: string, generation: GenerationRecord): Promise<void> {
  ensureDir(dirname(resolve(journal))); // the lock lives beside the journal
  await withInstallLock(journal, async () => {
    const existing = (await loadInstallLedger(journal, 'generation')) as GenerationRecord[];
    const want = canonicalJson(generation);
    if (existing.some((r) => canonicalJson(withoutChain(r)) === want)) {
      getLogger().info({ journal, generation: generation.generation }, 'planned generation already recorded; not appending it twice');
      return;
    }
    await appendRecord(journal, 'generation', generation);
  });
}
