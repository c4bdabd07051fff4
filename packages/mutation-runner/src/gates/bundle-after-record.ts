import type { WrittenSidecar } from '@autopoietic/core/evidence';

/** The evidence bundle of a record already journaled: written, or why it could not be. */
export interface BundleAfterRecord {
  sidecar?: WrittenSidecar;
  /** Why the bundle was not written; the command reports it after printing the record. */
  sidecarError?: unknown;
}

/**
 * Writes the `--evidence-bundle` of a record already in its ledger (verify, promote, and the
 * generation of install-plan --record). The path is checked before any work, but another run can
 * take it in the meantime, or the disk can fill: thrown from here, that error left the journaled
 * record unprinted, so the caller saw a failure and no record of what had been recorded. The
 * command prints the record first, then reports this error (exit 1: the evidence asked for does
 * not exist).
 */
export function bundleAfterRecord(write: () => WrittenSidecar): BundleAfterRecord {
  try {
    return { sidecar: write() };
  } catch (e) {
    return { sidecarError: e };
  }
}
