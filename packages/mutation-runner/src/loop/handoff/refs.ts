import { isAbsolute, relative, sep } from 'node:path';
import type { HandoffEvidenceRef, HandoffFact } from '@autopoietic/core/schemas';

/**
 * Evidence refs and facts under construction. Every source is written relative to the genome
 * (`genome:<path>`) or the memory directory (`memory:<path>`), never as an absolute path of the
 * live genome: the hand-off goes to a generator, which must not learn where the genome lives.
 */
export type RefKind = HandoffEvidenceRef['kind'];

/** A fact with how important it is: tier 0 is kept longest when the size bound bites. */
export interface TieredFact {
  fact: HandoffFact;
  tier: number;
  /** What it is, in words, for the "left out" list (e.g. "option setting"). */
  group: string;
}

export interface Places {
  root: string;
  memoryDir: string;
}

export class RefBook {
  private readonly refs = new Map<string, HandoffEvidenceRef>();

  constructor(readonly places: Places) {}

  /** Adds (or finds) a ref; returns its id. */
  add(kind: RefKind, source: string, digest: string, summary?: string): string {
    const id = `ref:${kind}:${source}`;
    if (!this.refs.has(id)) this.refs.set(id, { ref_id: id, kind, source, digest, ...(summary ? { summary } : {}) });
    return id;
  }

  /** A path as a hand-off may show it. */
  where(path: string): string {
    return placeOf(path, this.places);
  }

  all(): HandoffEvidenceRef[] {
    return [...this.refs.values()];
  }
}

export function placeOf(path: string, places: Places): string {
  if (!isAbsolute(path)) return `genome:${path}`;
  const mem = inside(places.memoryDir, path);
  if (mem !== undefined) return `memory:${mem}`;
  const gen = inside(places.root, path);
  if (gen !== undefined) return `genome:${gen}`;
  return `external:${path.split(sep).pop()}`;
}

function inside(dir: string, path: string): string | undefined {
  const rel = relative(dir, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** Replaces every spelling of the live genome and memory paths in a string with a placeholder. */
export function redactor(places: Places, extra: readonly string[] = []): (s: string) => string {
  const all: [string, string][] = [...extra.map((p): [string, string] => [p, '<genome>']), [places.memoryDir, '<memory>'], [places.root, '<genome>']];
  const pairs = all.filter(([p]) => p.length > 1);
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (s) => {
    let out = s;
    for (const [p, r] of pairs) if (out.includes(p)) out = out.split(p).join(r);
    return out;
  };
}

/** Applies `fn` to every string in a JSON value. */
export function mapStrings<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)])) as T;
  }
  return value;
}
