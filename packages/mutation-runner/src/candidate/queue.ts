import { join } from 'node:path';

/**
 * The proposal queue: `mutations/` of the genome. `propose` and `evolve` write new proposals to
 * `mutations/pending/<id>/` (proposal.json and patch.diff); `accepted/`, `failed/` and `reverted/`
 * (the journal's statuses) are where an operator files a proposal once its fate is known.
 *
 * The queue is the system's work, like `memory/`, not the genome: no Nix file reads it, and a
 * proposal added, filed or removed changes no configuration. So it is never part of a candidate
 * or of the root fingerprint (else promoting one proposal was refused because another was
 * proposed meanwhile), and a patch may not touch it (docs/adr/0018-the-proposal-queue-is-not-the-genome.md).
 * This is the one place that names it.
 */
export const QUEUE_DIR = 'mutations';

/** Why a path of the queue is left out (of a candidate, of a work-tree or range proposal). */
export const QUEUE_WHY = `the proposal queue (${QUEUE_DIR}/), not the genome`;

/** Where new proposals go, relative to the genome root. */
export const PENDING_DIR = `${QUEUE_DIR}/pending`;

/** The default directory `propose` and `evolve` write proposals to, and `handoff` reads them from. */
export function pendingDir(root: string): string {
  return join(root, ...PENDING_DIR.split('/'));
}

/** Whether a genome-relative, `/`-separated path is the queue or lies in it. */
export function inQueue(rel: string): boolean {
  return rel === QUEUE_DIR || rel.startsWith(`${QUEUE_DIR}/`);
}
