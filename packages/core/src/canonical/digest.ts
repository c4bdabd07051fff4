import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** The one digest format of the project: `sha256:<64 lowercase hex>`. */
export type Sha256Digest = `sha256:${string}`;

export const SHA256_PATTERN = /^sha256:[0-9a-f]{64}$/;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256(data: string | Uint8Array): Sha256Digest {
  return `sha256:${sha256Hex(data)}`;
}

/** Digest of a JSON value in canonical form. */
export function digestCanonical(value: unknown): Sha256Digest {
  return sha256(canonicalJson(value));
}

export function isSha256Digest(s: unknown): s is Sha256Digest {
  return typeof s === 'string' && SHA256_PATTERN.test(s);
}
