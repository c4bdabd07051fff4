import { digestCanonical, sha256 } from '../canonical/digest.js';
import { SCHEMA_VERSION } from '../schemas/common.js';
import type { ProvenanceRef } from '../schemas/evidence.js';

/**
 * Provenance of a JSON value (a record, a command's output): its digest is the sha256 of the
 * value's canonical JSON (canonical/canonical-json.ts), so the same record always has the same
 * digest, whatever key order or whitespace it was read with. `schema_version` is the value's own
 * when it carries one.
 */
export function rawRef(kind: string, source: string, value: unknown): ProvenanceRef {
  const own = (value as { schema_version?: unknown } | null)?.schema_version;
  return {
    kind,
    source,
    digest: { algorithm: 'sha256', value: digestCanonical(value) },
    schema_version: typeof own === 'string' ? own : SCHEMA_VERSION,
  };
}

/** Provenance of exact bytes (a proposal file, a patch): sha256 over the bytes as read. */
export function bytesRef(kind: string, source: string, data: string | Uint8Array): ProvenanceRef {
  return { kind, source, digest: { algorithm: 'sha256', value: sha256(data) }, schema_version: SCHEMA_VERSION };
}
