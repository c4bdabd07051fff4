import type { z } from 'zod';
import { byCodeUnit } from '@autopoietic/core/canonical';
import type { DirectInput, LockEdge, TransitiveInput } from '@autopoietic/core/schemas';

/**
 * flake.lock (version 5 to 7): the root node's inputs are the genome's direct inputs; every other
 * node is transitive. An input is either a node name or a `follows` path (a list of input names
 * walked from the root), which is how `inputs.x.inputs.nixpkgs.follows = "nixpkgs"` is locked.
 */
type Direct = z.infer<typeof DirectInput>;
type Transitive = z.infer<typeof TransitiveInput>;
type Edge = z.infer<typeof LockEdge>;

interface LockNode {
  inputs?: Record<string, string | string[]>;
  locked?: Record<string, unknown>;
  original?: Record<string, unknown>;
}

export interface LockReading {
  version: number | null;
  inputs: Direct[];
  transitive: Transitive[];
  error?: string;
}

export function readFlakeLock(text: string, declared: Map<string, string | null> = new Map()): LockReading {
  let lock: { nodes?: unknown; root?: unknown; version?: unknown };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch (e) {
    return { version: null, inputs: [], transitive: [], error: `flake.lock is not valid JSON: ${(e as Error).message}` };
  }
  const rootName = typeof lock?.root === 'string' ? lock.root : 'root';
  const nodes = lockNodes(lock?.nodes);
  // A version the self-state cannot hold (7.5, -1) is not a lock version Nix writes.
  const version = Number.isSafeInteger(lock?.version) && (lock.version as number) >= 0 ? (lock.version as number) : null;
  const root = nodes?.get(rootName);
  if (!nodes || !root) {
    return { version, inputs: [], transitive: [], error: `flake.lock has no "nodes" with a root node "${rootName}"` };
  }
  const resolver = new FollowsResolver(nodes, rootName);
  const directNodes = new Set<string>();
  const inputs: Direct[] = [];
  for (const [name, ref] of inputsOf(root)) {
    const target = resolver.resolve(ref);
    if (typeof ref === 'string') directNodes.add(ref);
    const url = declared.get(name);
    inputs.push({
      name,
      node: target,
      ...(Array.isArray(ref) ? { follows: ref.join('/') } : {}),
      ...(url ? { declared_url: url } : {}),
      ...lockedFields(target === null ? undefined : nodes.get(target)),
      inputs: typeof ref === 'string' ? edges(nodes.get(ref), resolver) : [],
    });
  }
  const transitive: Transitive[] = [...nodes.keys()]
    .filter((n) => n !== rootName && !directNodes.has(n))
    .sort()
    .map((n) => ({ node: n, ...lockedFields(nodes.get(n)), inputs: edges(nodes.get(n), resolver) }));
  return { version, inputs, transitive };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The lock's nodes as a Map: looked up by name, a node called `toString` or `constructor` is
 * then only a node if the lock has one (a plain object would answer with its prototype's).
 * Entries that are not objects are not nodes.
 */
function lockNodes(raw: unknown): Map<string, LockNode> | undefined {
  if (!isRecord(raw)) return undefined;
  return new Map(Object.entries(raw).filter((e): e is [string, LockNode] => isRecord(e[1])));
}

/** A node's inputs, sorted; an `inputs` that is not an object (a string, a list) has none. */
function inputsOf(node: LockNode | undefined): [string, string | string[]][] {
  const raw = node?.inputs;
  return isRecord(raw) ? (Object.entries(raw) as [string, string | string[]][]).sort(([a], [b]) => byCodeUnit(a, b)) : [];
}

function edges(node: LockNode | undefined, resolver: FollowsResolver): Edge[] {
  return inputsOf(node).map(([input, ref]) => ({ input, to: resolver.resolve(ref), ...(Array.isArray(ref) ? { follows: ref.join('/') } : {}) }));
}

/**
 * Resolves references to node names. A follows path always starts at the root, so its target
 * depends on the path alone: each path is resolved once and remembered. Without that, paths
 * whose steps are themselves paths (b30 = [b29, b29], b29 = [b28, b28], ...) cost 2^depth
 * lookups, and a crafted lock hung the run. A path met again while it is being resolved is a
 * cycle: unresolved (null), as is a dangling step, and a path nested deeper than MAX_NESTING
 * (no real lock comes near it; unbounded, a long chain would overflow the stack).
 */
const MAX_NESTING = 64;

class FollowsResolver {
  private readonly known = new Map<string, string | null>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly nodes: Map<string, LockNode>,
    private readonly rootName: string,
  ) {}

  resolve(ref: unknown): string | null {
    if (typeof ref === 'string') return this.nodes.has(ref) ? ref : null;
    if (!Array.isArray(ref) || !ref.every((step) => typeof step === 'string')) return null;
    const key = JSON.stringify(ref);
    const known = this.known.get(key);
    if (known !== undefined) return known;
    if (this.resolving.has(key) || this.resolving.size >= MAX_NESTING) return null;
    this.resolving.add(key);
    const to = this.walk(ref);
    this.resolving.delete(key);
    this.known.set(key, to);
    return to;
  }

  private walk(path: string[]): string | null {
    let at = this.rootName;
    for (const step of path) {
      const inputs = this.nodes.get(at)?.inputs;
      const next = isRecord(inputs) && Object.hasOwn(inputs, step) ? inputs[step] : undefined;
      const r = next === undefined ? null : this.resolve(next);
      if (r === null) return null;
      at = r;
    }
    return at;
  }
}

/** 9999-12-31T23:59:59Z: later times have no RFC 3339 form (a year of five digits). */
const MAX_EPOCH_S = 253_402_300_799;

function lockedFields(node: LockNode | undefined): Omit<Direct, 'name' | 'node' | 'follows' | 'declared_url' | 'inputs'> {
  const l = isRecord(node?.locked) ? node.locked : {};
  const o = isRecord(node?.original) ? node.original : {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const out: Omit<Direct, 'name' | 'node' | 'follows' | 'declared_url' | 'inputs'> = { type: str(l.type) ?? null };
  const set = <K extends keyof typeof out>(k: K, v: (typeof out)[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('owner', str(l.owner));
  set('repo', str(l.repo));
  set('url', str(l.url) ?? str(l.path));
  set('ref', str(l.ref) ?? str(o.ref));
  set('rev', str(l.rev));
  set('nar_hash', str(l.narHash));
  if (Number.isSafeInteger(l.lastModified) && (l.lastModified as number) >= 0 && (l.lastModified as number) <= MAX_EPOCH_S) {
    out.last_modified = l.lastModified as number;
    set('last_modified_at', new Date((l.lastModified as number) * 1000).toISOString());
  }
  return out;
}
