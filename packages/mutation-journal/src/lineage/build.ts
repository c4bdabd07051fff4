import { basename } from 'node:path';
import type { StoredRecord } from '@autopoietic/core/ledger';
import { attemptNode, effectNode, generationNode, impliedMutationNode, mutationNode, nodeId, promotionNode, verificationNode } from './nodes.js';
import { NODE_KINDS, type EdgeKind, type LedgerSource, type LineageEdge, type LineageNode, type LineageView, type NodeKind } from './model.js';

/** The records of the six ledgers the view is made from, in file order. */
export interface LineageRecords {
  attempts: StoredRecord<'lineage-attempt'>[];
  mutations: StoredRecord<'mutation'>[];
  verifications: StoredRecord<'mutation-result'>[];
  promotions: StoredRecord<'mutation-promotion'>[];
  generations: StoredRecord<'generation'>[];
  effects: StoredRecord<'effect'>[];
}

/** Ledger file name per input, for each node's `sources`. */
export interface LedgerNames {
  attempts: string;
  mutations: string;
  verifications: string;
  promotions: string;
  generations: string;
  effects: string;
}

type Base = Omit<LineageNode, 'sources'>;

/**
 * Assembles the graph. Records that describe the same thing (a mutation's journal entries, a
 * generation's planned/installed/reverted lines) become one node whose status is that of its
 * latest record. Every record names its ledger line in `sources`.
 */
export function buildLineage(records: LineageRecords, names: LedgerNames, memoryDir: string, sources: LedgerSource[]): LineageView {
  const g = new Graph();
  for (const a of records.attempts) g.put(attemptNode(a), names.attempts, a.chain.seq);
  for (const m of records.mutations) g.put(mutationNode(m), names.mutations, m.chain.seq);
  for (const v of records.verifications) g.put(verificationNode(v), names.verifications, v.chain.seq);
  for (const p of records.promotions) g.put(promotionNode(p), names.promotions, p.chain.seq);
  for (const r of records.generations) g.put(generationNode(r), names.generations, r.chain.seq);
  for (const e of records.effects) g.put(effectNode(e), names.effects, e.chain.seq);
  linkRecords(g, records);
  return { schema_version: '0.1.0', memory_dir: memoryDir, sources, counts: g.counts(), nodes: g.sortedNodes(), edges: g.sortedEdges() };
}

function linkRecords(g: Graph, r: LineageRecords): void {
  const mutation = (id: string, goal: string): string => g.ensure(impliedMutationNode(id, goal));
  for (const a of r.attempts) {
    const me = nodeId('attempt', a.attempt_id);
    if (a.parent_attempt_id) g.edge(nodeId('attempt', a.parent_attempt_id), me, 'parent-attempt');
    if (a.mutation_id) g.edge(me, mutation(a.mutation_id, a.goal), 'proposed');
  }
  for (const v of r.verifications) g.edge(mutation(v.mutation_id, v.goal), nodeId('verification', v.verification_id), 'verified');
  for (const p of r.promotions) {
    const from = p.verification_id && g.has(nodeId('verification', p.verification_id)) ? nodeId('verification', p.verification_id) : mutation(p.mutation_id, p.goal);
    g.edge(from, nodeId('promotion', p.promotion_id), 'promoted');
  }
  const byPlan = new Map<string, string>();
  for (const gen of r.generations) {
    const me = nodeId('generation', gen.generation);
    if (gen.plan_digest) byPlan.set(gen.plan_digest, me);
    const from = gen.promotion_id && g.has(nodeId('promotion', gen.promotion_id)) ? nodeId('promotion', gen.promotion_id) : mutation(gen.mutation_id, gen.goal);
    g.edge(from, me, 'installed');
    if (gen.parent_generation && g.has(nodeId('generation', gen.parent_generation))) g.edge(nodeId('generation', gen.parent_generation), me, 'parent-generation');
  }
  for (const e of r.effects) {
    const plan = e.metadata?.plan_digest;
    const from = (plan && byPlan.get(plan)) ?? mutation(e.mutation_id, '');
    g.edge(from, nodeId('effect', e.effect_id), 'effect');
  }
  settleImpliedMutations(g, r);
}

/**
 * A mutation with no journal entry takes the status of its latest gate record (P1, P2, P3), so
 * that the view says how far it got rather than "proposed".
 */
function settleImpliedMutations(g: Graph, r: LineageRecords): void {
  const events: { mutation: string; status: string; reason: string; timestamp: string; ledger: string }[] = [
    ...r.verifications.map((v) => ({ mutation: v.mutation_id, status: v.status, reason: `P1 ${v.status}: ${v.reason}`, timestamp: v.timestamp, ledger: 'P1' })),
    ...r.promotions.map((p) => ({ mutation: p.mutation_id, status: p.status, reason: `P2 ${p.status}: ${p.reason}`, timestamp: p.timestamp, ledger: 'P2' })),
    ...r.generations.map((x) => ({ mutation: x.mutation_id, status: x.lineage_status, reason: `P3 generation ${x.generation} ${x.lineage_status}`, timestamp: x.timestamp, ledger: 'P3' })),
  ];
  const settledBy = new Map<string, string>();
  for (const e of events) {
    const id = nodeId('mutation', e.mutation);
    // Within one ledger the later line wins (file order, as in put); between ledgers only the time can say.
    if (g.settle(id, e.status, e.reason, e.timestamp, settledBy.get(id) === e.ledger)) settledBy.set(id, e.ledger);
  }
}

class Graph {
  private readonly nodes = new Map<string, LineageNode>();
  private readonly order = new Map<string, number>();
  private readonly edges = new Map<string, LineageEdge>();

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /**
   * Adds a record's node, or merges it into the node of the same id. Records of one node come
   * from one ledger and are put in file order, so the later one's status wins: the chain orders
   * them, not their timestamps, which a clock set back (NTP, a wrong RTC) makes go backwards.
   */
  put(node: Base, ledger: string, seq: number): void {
    const source = { ledger: basename(ledger), seq };
    const prev = this.nodes.get(node.id);
    if (!prev) {
      this.order.set(node.id, this.order.size);
      this.nodes.set(node.id, { ...node, sources: [source] });
      return;
    }
    const links = [...prev.links, ...node.links].filter((l, i, all) => all.findIndex((x) => x.href === l.href) === i);
    this.nodes.set(node.id, { ...node, links, sources: [...prev.sources, source] });
  }

  /** The node of `node.id`, created from `node` when no record made it yet; returns its id. */
  ensure(node: Base): string {
    if (!this.nodes.has(node.id)) {
      this.order.set(node.id, this.order.size);
      this.nodes.set(node.id, { ...node, sources: [] });
    }
    return node.id;
  }

  /**
   * Sets the status of a node no record made (an implied one), keeping the latest event: `later`
   * when the caller knows it is (a later line of the same ledger), else by time. True when set.
   */
  settle(id: string, status: string, reason: string, timestamp: string, later: boolean): boolean {
    const n = this.nodes.get(id);
    if (!n || n.sources.length > 0) return false;
    if (!later && n.timestamp !== null && Date.parse(timestamp) < Date.parse(n.timestamp)) return false;
    this.nodes.set(id, { ...n, status, reason, timestamp });
    return true;
  }

  /** An edge between two nodes; dropped when either end is not in the view (a dangling reference). */
  edge(from: string, to: string, kind: EdgeKind): void {
    if (!this.nodes.has(from) || !this.nodes.has(to) || from === to) return;
    this.edges.set(`${from}\u0000${to}\u0000${kind}`, { from, to, kind });
  }

  counts(): Record<NodeKind, number> {
    const c = Object.fromEntries(NODE_KINDS.map((k) => [k, 0])) as Record<NodeKind, number>;
    for (const n of this.nodes.values()) c[n.kind]++;
    return c;
  }

  /** By kind (pipeline order), then time, then first appearance: stable for the same ledgers. */
  sortedNodes(): LineageNode[] {
    const rank = (n: LineageNode) => NODE_KINDS.indexOf(n.kind);
    const time = (n: LineageNode) => (n.timestamp ? Date.parse(n.timestamp) : Number.NEGATIVE_INFINITY);
    return [...this.nodes.values()].sort((a, b) => rank(a) - rank(b) || time(a) - time(b) || this.order.get(a.id)! - this.order.get(b.id)!);
  }

  sortedEdges(): LineageEdge[] {
    return [...this.edges.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : a.kind < b.kind ? -1 : 1));
  }
}
