/**
 * The lineage view: every mutation, evolve attempt, verification, promotion, generation and
 * effect found in the ledgers, as one graph. It is derived data (the ledgers stay the record) and
 * deterministic: the same ledgers give the same view, byte for byte, in every format.
 */
export const NODE_KINDS = ['attempt', 'mutation', 'verification', 'promotion', 'generation', 'effect'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const EDGE_KINDS = ['parent-attempt', 'proposed', 'verified', 'promoted', 'installed', 'parent-generation', 'effect'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** A link to the evidence behind a node: a log, a hand-off, a record of another ledger. */
export interface EvidenceLink {
  label: string;
  /** `file://` URL of a log or document, or `#<node id>` for another node of the view. */
  href: string;
  digest?: string;
}

export interface LineageNode {
  /** `<kind>:<record id>`, unique in the view. */
  id: string;
  kind: NodeKind;
  record_id: string;
  label: string;
  status: string;
  reason: string;
  /** Time of the record that set the status (the latest one for records with history). */
  timestamp: string | null;
  /** Short facts for the detail panel, in display order. */
  details: [string, string][];
  links: EvidenceLink[];
  /** Ledger file name and chain seq of every record that made this node. */
  sources: { ledger: string; seq: number }[];
  /** Nodes drawn together (the attempts of one evolve run share their run id). */
  group?: string;
}

export interface LineageEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

export interface LedgerSource {
  kind: string;
  path: string;
  exists: boolean;
  records: number;
  status: 'ok' | 'torn-tail' | 'broken' | 'missing';
  head: { seq: number; digest: string } | null;
  problems: string[];
}

export interface LineageView {
  schema_version: '0.1.0';
  memory_dir: string;
  sources: LedgerSource[];
  counts: Record<NodeKind, number>;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** Status colours, shared by the DOT and HTML renderers: one place per rule. */
export const STATUS_TONES: Record<string, 'good' | 'bad' | 'error' | 'pending' | 'undone' | 'neutral'> = {
  verified: 'good',
  promoted: 'good',
  installed: 'good',
  accepted: 'good',
  rejected: 'bad',
  failed: 'bad',
  error: 'error',
  pending: 'pending',
  planned: 'pending',
  proposed: 'pending',
  reverted: 'undone',
};

export const TONE_COLOURS: Record<string, { fill: string; stroke: string }> = {
  good: { fill: '#dcf5e3', stroke: '#1f7a3a' },
  bad: { fill: '#fbe0e0', stroke: '#b42318' },
  error: { fill: '#fdebd3', stroke: '#b54708' },
  pending: { fill: '#e4ecfb', stroke: '#2f5bb7' },
  undone: { fill: '#ece4f7', stroke: '#6941c6' },
  neutral: { fill: '#eef0f2', stroke: '#4d5761' },
};

export function toneOf(status: string): string {
  return STATUS_TONES[status] ?? 'neutral';
}
