import { digestCanonical, sha256 } from '@autopoietic/core/canonical';
import type { SelfState } from '@autopoietic/core/schemas';
import type { RefBook, TieredFact } from './refs.js';

/**
 * Facts read from the self-state (os-introspect): who the host is, its hosts and module files,
 * every option declared and every option set in the genome's Nix source (with file and line),
 * pain points and ledger health. What the goal names comes first (tier 0); the `autopoietic.*`
 * organs next; the rest of the genome after; body and memory health last.
 */
export interface ObservedState {
  state: SelfState;
  /** Where it came from: `os-introspect` (observed now) or `self-state-file:<name>`. */
  source: string;
}

export function mentions(goal: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.'-])${escaped}($|[^A-Za-z0-9_'-])`).test(goal);
}

const tierFor = (goal: string, path: string) => (mentions(goal, path) ? 0 : path.startsWith('autopoietic.') ? 2 : 3);

export function stateFacts(observed: ObservedState, goal: string, book: RefBook): TieredFact[] {
  const { state } = observed;
  const stateRef = book.add('self-state', observed.source, digestCanonical(state), `self-state observed at ${state.observed_at}`);
  const digests = new Map(state.genome.nix_files.map((f) => [f.path, f.sha256]));
  const fileRef = (path: string) => book.add('genome-file', `genome:${path}`, digests.get(path) ?? sha256(''), `${path} as parsed by os-introspect`);
  const out: TieredFact[] = [
    { tier: 0, group: 'host identity', fact: { fact_id: 'fact:identity', kind: 'host-identity', value: { host: state.identity.host, roles: state.identity.roles, source: state.identity.source }, quality: 'observed', sources: [stateRef] } },
  ];
  const hostsOf = (file: string) => state.genome.hosts.filter((h) => h.closure.includes(file)).map((h) => h.name);
  for (const h of state.genome.hosts) {
    out.push({
      tier: mentions(goal, h.name) ? 0 : 2,
      group: 'genome host',
      fact: { fact_id: `fact:host:${h.name}`, kind: 'genome-host', value: { name: h.name, file: h.file, modules: h.closure, identity: h.identity.host }, quality: 'observed', sources: [fileRef(h.file)] },
    });
  }
  for (const m of state.genome.modules) {
    for (const o of m.options) {
      out.push({
        tier: tierFor(goal, o.path),
        group: 'option declaration',
        fact: {
          fact_id: `fact:option:${o.path}@${m.path}`,
          kind: 'option-declaration',
          value: { path: o.path, file: m.path, line: o.line, type: o.type, default: o.default, description: o.description_value ?? o.description },
          quality: 'observed',
          sources: [fileRef(m.path)],
        },
      });
    }
    const hosts = hostsOf(m.path);
    for (const c of m.config) {
      out.push({
        // A setting no host imports (a helper file, an unused module) matters least.
        tier: hosts.length === 0 && !mentions(goal, c.path) ? 4 : tierFor(goal, c.path),
        group: 'option setting',
        fact: {
          fact_id: `fact:setting:${c.path}@${m.path}:${c.line}`,
          kind: 'option-setting',
          value: { path: c.path, file: m.path, line: c.line, literal: c.literal ?? null, conditional: c.conditional, hosts },
          quality: 'observed',
          sources: [fileRef(m.path)],
        },
      });
    }
  }
  state.pain_points.forEach((p, i) => {
    out.push({ tier: 4, group: 'pain point', fact: { fact_id: `fact:pain:${i + 1}`, kind: 'pain-point', value: { signal: p.signal, candidate: p.candidate, evidence: p.evidence }, quality: 'derived', sources: [stateRef] } });
  });
  const ledgers = state.memory.ledgers.map((l) => ({ kind: l.kind, status: l.status, lines: l.lines }));
  out.push({ tier: 4, group: 'memory health', fact: { fact_id: 'fact:memory-ledgers', kind: 'memory-ledgers', value: ledgers, quality: 'observed', sources: [stateRef] } });
  return out;
}

/**
 * A dotted option path in free text. It starts at a word boundary and each segment is matched
 * atomically (a lookahead captured, then consumed), so a long word without a dot is scanned once:
 * the plain `[A-Za-z_][A-Za-z0-9_'-]*(?:\.…)+` backtracked from every position inside it, which
 * made a 100 000-character goal take minutes.
 */
const IDENT = "[A-Za-z_][A-Za-z0-9_'-]*";
const OPTION_PATH = new RegExp(`(?<![A-Za-z0-9_'.-])(?=(${IDENT}))\\1(?:\\.(?=(${IDENT}))\\2)+`, 'g');

/** Option paths the goal names that no module of the genome declares (each an open question). */
export function undeclaredInGoal(observed: ObservedState, goal: string): string[] {
  const declared = new Set(observed.state.genome.modules.flatMap((m) => m.options.map((o) => o.path)));
  const named = goal.match(OPTION_PATH) ?? [];
  const setPaths = new Set(observed.state.genome.modules.flatMap((m) => m.config.map((c) => c.path)));
  return [...new Set(named)].filter((p) => !declared.has(p) && (p.startsWith('autopoietic.') || setPaths.has(p)));
}
