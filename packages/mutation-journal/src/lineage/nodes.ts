import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CheckResult,
  EffectRecord,
  GenerationRecord,
  LineageAttempt,
  LogRef,
  MutationPromotionRecord,
  MutationRecord,
  MutationVerificationRecord,
} from '@autopoietic/core/schemas';
import type { EvidenceLink, LineageNode } from './model.js';

/**
 * One node per record, per kind: its status, the reason, the facts worth a glance and the links
 * to the evidence it rests on. Pure: the graph builder merges records that describe the same node.
 */
type Base = Omit<LineageNode, 'sources'>;

export function nodeId(kind: LineageNode['kind'], recordId: string): string {
  return `${kind}:${recordId}`;
}

export function fileLink(label: string, path: string, digest?: string): EvidenceLink {
  const href = isAbsolute(path) ? pathToFileURL(path).href : relativeHref(path);
  return digest === undefined ? { label, href } : { label, href, digest };
}

/**
 * A relative path as a relative URL: every segment percent-encoded, so that no text in a record
 * can make a scheme (`javascript:x`, or ` java<TAB>script:x`, which a URL parser reads as one,
 * dropping leading spaces and every tab and newline) or a query or fragment.
 */
export function relativeHref(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function nodeLink(label: string, id: string): EvidenceLink {
  return { label, href: `#${id}` };
}

function logLinks(prefix: string, refs: { stdout_log?: LogRef | undefined; stderr_log?: LogRef | undefined }): EvidenceLink[] {
  const out: EvidenceLink[] = [];
  if (refs.stdout_log) out.push(fileLink(`${prefix} stdout`, refs.stdout_log.path, refs.stdout_log.sha256));
  if (refs.stderr_log) out.push(fileLink(`${prefix} stderr`, refs.stderr_log.path, refs.stderr_log.sha256));
  return out;
}

function checkSummary(checks: readonly CheckResult[]): string {
  const passed = checks.filter((c) => c.status === 'passed').length;
  const failing = checks.filter((c) => c.status !== 'passed').map((c) => `${c.name} (${c.status})`);
  return `${passed}/${checks.length} passed${failing.length ? `; not passed: ${failing.join(', ')}` : ''}`;
}

export function attemptNode(a: LineageAttempt): Base {
  const status = a.promotion_status === 'promoted' ? 'promoted' : a.verdict;
  const links: EvidenceLink[] = [];
  if (a.handoff_path) links.push(fileLink('hand-off', a.handoff_path, a.handoff_digest ?? undefined));
  if (a.generator_run) links.push(...logLinks('generator', a.generator_run));
  if (a.proposal_path) links.push(fileLink('proposal', a.proposal_path));
  if (a.verification_id) links.push(nodeLink(`verification ${a.verification_id}`, nodeId('verification', a.verification_id)));
  if (a.promotion_id) links.push(nodeLink(`promotion ${a.promotion_id}`, nodeId('promotion', a.promotion_id)));
  for (const c of a.score.checks) links.push(...logLinks(`check ${c.name}`, c));
  const score = a.score.value === null ? 'no checks ran' : `${a.score.passed}/${a.score.total} checks passed (${Math.round(a.score.value * 100)}%)`;
  const details: [string, string][] = [
    ['goal', a.goal],
    ['run', `${a.run_id} #${a.attempt_number}`],
    ['parent attempt', a.parent_attempt_id ?? '(none: a root)'],
    ['ended at stage', a.stage],
    ['score', score],
    ['generator', a.generator.command],
    ['generator digest', a.generator.digest],
    ['hand-off digest', a.handoff_digest ?? '(none)'],
    ['duration', `${a.durations.total_ms} ms (generate ${a.durations.generate_ms}, verify ${a.durations.verify_ms})`],
  ];
  if (a.mutation_id) details.push(['mutation', a.mutation_id]);
  if (a.proposal_fingerprint) details.push(['proposal fingerprint', a.proposal_fingerprint]);
  return { id: nodeId('attempt', a.attempt_id), kind: 'attempt', record_id: a.attempt_id, label: `#${a.attempt_number}`, status, reason: a.reason, timestamp: a.timestamp, details, links, group: a.run_id };
}

export function mutationNode(m: MutationRecord): Base {
  const details: [string, string][] = [
    ['goal', m.goal],
    ['phase', m.phase],
  ];
  if (m.changed_paths?.length) details.push(['changed paths', m.changed_paths.join(', ')]);
  if (m.next_hypothesis) details.push(['next hypothesis', m.next_hypothesis]);
  return { id: nodeId('mutation', m.mutation_id), kind: 'mutation', record_id: m.mutation_id, label: m.mutation_id, status: m.status, reason: m.reason ?? '', timestamp: m.timestamp, details, links: [] };
}

/** A mutation known only from the records that name it (no line in mutations.jsonl). */
export function impliedMutationNode(mutationId: string, goal: string): Base {
  return {
    id: nodeId('mutation', mutationId),
    kind: 'mutation',
    record_id: mutationId,
    label: mutationId,
    status: 'proposed',
    reason: 'named by other records; no entry in mutations.jsonl',
    timestamp: null,
    details: [['goal', goal]],
    links: [],
  };
}

export function verificationNode(v: MutationVerificationRecord): Base {
  const details: [string, string][] = [
    ['mutation', v.mutation_id],
    ['checks', checkSummary(v.checks)],
    ['proposal fingerprint', v.proposal_fingerprint],
    ['root fingerprint', v.root_fingerprint],
  ];
  if (v.candidate_tree) details.push(['candidate tree', v.candidate_tree]);
  if (v.duration_ms !== undefined) details.push(['duration', `${v.duration_ms} ms`]);
  const links = v.checks.flatMap((c) => logLinks(`check ${c.name}`, c));
  if (v.proposal_path) links.unshift(fileLink('proposal', v.proposal_path));
  return { id: nodeId('verification', v.verification_id), kind: 'verification', record_id: v.verification_id, label: 'P1', status: v.status, reason: v.reason, timestamp: v.timestamp, details, links };
}

export function promotionNode(p: MutationPromotionRecord): Base {
  const details: [string, string][] = [
    ['mutation', p.mutation_id],
    ['target configuration', p.target_configuration],
    ['parent genome', p.parent_genome],
    ['checks', checkSummary(p.checks)],
    ['promotion root fingerprint', p.promotion_root_fingerprint],
  ];
  const links = p.checks.flatMap((c) => logLinks(`check ${c.name}`, c));
  if (p.verification_id) links.unshift(nodeLink(`verification ${p.verification_id}`, nodeId('verification', p.verification_id)));
  return { id: nodeId('promotion', p.promotion_id), kind: 'promotion', record_id: p.promotion_id, label: 'P2', status: p.status, reason: p.reason, timestamp: p.timestamp, details, links };
}

export function generationNode(g: GenerationRecord): Base {
  const details: [string, string][] = [
    ['mutation', g.mutation_id],
    ['parent generation', g.parent_generation ?? '(none)'],
    ['activation result', g.activation_result],
  ];
  if (g.target_root) details.push(['target root', g.target_root]);
  if (g.target_configuration) details.push(['target configuration', g.target_configuration]);
  if (g.plan_digest) details.push(['plan digest', g.plan_digest]);
  const links: EvidenceLink[] = [];
  if (g.promotion_id) links.push(nodeLink(`promotion ${g.promotion_id}`, nodeId('promotion', g.promotion_id)));
  if (g.verification_id) links.push(nodeLink(`verification ${g.verification_id}`, nodeId('verification', g.verification_id)));
  return { id: nodeId('generation', g.generation), kind: 'generation', record_id: g.generation, label: g.generation, status: g.lineage_status, reason: g.activation_result, timestamp: g.timestamp, details, links };
}

export function effectNode(e: EffectRecord): Base {
  const details: [string, string][] = [
    ['mutation', e.mutation_id],
    ['target', e.target],
    ['reversible', e.reversible ? 'yes' : 'no'],
  ];
  if (e.risk) details.push(['risk', e.risk]);
  if (e.verified_by) details.push(['verified by', e.verified_by]);
  const links: EvidenceLink[] = [];
  const backup = e.metadata?.backup_path;
  if (backup) links.push(fileLink('backup', backup, e.metadata?.backup_sha256));
  return { id: nodeId('effect', e.effect_id), kind: 'effect', record_id: e.effect_id, label: e.type, status: e.type, reason: e.compensation ?? '', timestamp: e.timestamp, details, links };
}
