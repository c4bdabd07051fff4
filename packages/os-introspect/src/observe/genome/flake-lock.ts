import type { z } from 'zod';
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
  let lock: { nodes?: Record<string, LockNode>; root?: string; version?: number };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch (e) {
    return { version: null, inputs: [], transitive: [], error: `flake.lock is not valid JSON: ${(e as Error).message}` };
  }
  const nodes = lock?.nodes;
  const rootName = typeof lock?.root === 'string' ? lock.root : 'root';
  const root = nodes?.[rootName];
  const version = typeof lock?.version === 'number' ? lock.version : null;
  if (!nodes || typeof nodes !== 'object' || !root) {
    return { version, inputs: [], transitive: [], error: `flake.lock has no "nodes" with a root node "${rootName}"` };
  }
  const resolver = new FollowsResolver(nodes, rootName);
  const directNodes = new Set<string>();
  const inputs: Direct[] = [];
  for (const [name, ref] of Object.entries(root.inputs ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const target = resolver.resolve(ref);
    if (typeof ref === 'string') directNodes.add(ref);
    const url = declared.get(name);
    inputs.push({
      name,
      node: target,
      ...(Array.isArray(ref) ? { follows: ref.join('/') } : {}),
      ...(url ? { declared_url: url } : {}),
      ...lockedFields(target ? nodes[target] : undefined),
      inputs: typeof ref === 'string' ? edges(nodes[ref], resolver) : [],
    });
  }
  const transitive: Transitive[] = Object.keys(nodes)
    .filter((n) => n !== rootName && !directNodes.has(n))
    .sort()
    .map((n) => ({ node: n, ...lockedFields(nodes[n]), inputs: edges(nodes[n], resolver) }));
  return { version, inputs, transitive };
}

function edges(node: LockNode | undefined, resolver: FollowsResolver): Edge[] {
  return Object.entries(node?.inputs ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([input, ref]) => ({ input, to: resolver.resolve(ref), ...(Array.isArray(ref) ? { follows: ref.join('/') } : {}) }));
}

class FollowsResolver {
  constructor(
    private readonly nodes: Record<string, LockNode>,
    private readonly rootName: string,
  ) {}

  /** The node a reference ends at; null for a dangling reference or a follows cycle. */
  resolve(ref: string | string[], depth = 0): string | null {
    if (typeof ref === 'string') return this.nodes[ref] ? ref : null;
    if (!Array.isArray(ref) || depth > 32) return null;
    let at = this.rootName;
    for (const step of ref) {
      const next = this.nodes[at]?.inputs?.[step];
      if (next === undefined) return null;
      const r = this.resolve(next, depth + 1);
      if (r === null) return null;
      at = r;
    }
    return at;
  }
}

function lockedFields(node: LockNode | undefined): Omit<Direct, 'name' | 'node' | 'follows' | 'declared_url' | 'inputs'> {
  const l = node?.locked ?? {};
  const o = node?.original ?? {};
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
  if (typeof l.lastModified === 'number' && Number.isInteger(l.lastModified)) {
    out.last_modified = l.lastModified;
    set('last_modified_at', new Date(l.lastModified * 1000).toISOString());
  }
  return out;
}
