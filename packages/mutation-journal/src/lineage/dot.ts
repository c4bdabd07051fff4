import { TONE_COLOURS, toneOf, type EdgeKind, type LineageView, type NodeKind } from './model.js';

/**
 * The view as Graphviz DOT (`dot -Tsvg lineage.dot > lineage.svg`): one node per record, filled
 * by status, labelled with kind, id, status and reason; attempts of one evolve run share a
 * cluster; cross links (a generation's parent generation) are dashed.
 */
const SHAPES: Record<NodeKind, string> = {
  attempt: 'box',
  mutation: 'box',
  verification: 'box',
  promotion: 'box',
  generation: 'box3d',
  effect: 'note',
};

const EDGE_STYLE: Record<EdgeKind, string> = {
  'parent-attempt': 'style=bold',
  proposed: 'style=solid',
  verified: 'style=solid',
  promoted: 'style=solid',
  installed: 'style=solid',
  'parent-generation': 'style=dashed',
  effect: 'style=dotted',
};

const MAX_REASON = 80;

export function renderDot(view: LineageView): string {
  const out: string[] = [
    'digraph lineage {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, label="Autopoietic OS lineage", labelloc=t];',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=9];',
    '  edge [fontname="Helvetica", fontsize=8, color="#6b7280"];',
  ];
  const runs = new Map<string, string[]>();
  for (const n of view.nodes) {
    const line = `${quote(n.id)} [${nodeAttrs(n)}];`;
    if (n.group) runs.set(n.group, [...(runs.get(n.group) ?? []), line]);
    else out.push(`  ${line}`);
  }
  for (const [run, lines] of runs) {
    out.push(`  subgraph ${quote(`cluster_${run}`)} {`, `    label=${quote(`evolve run ${run}`)}; style=dashed; color="#9ca3af";`);
    for (const l of lines) out.push(`    ${l}`);
    out.push('  }');
  }
  for (const e of view.edges) out.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.kind)}, ${EDGE_STYLE[e.kind]}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

function nodeAttrs(n: LineageView['nodes'][number]): string {
  const colours = TONE_COLOURS[toneOf(n.status)]!;
  const reason = n.reason.length > MAX_REASON ? `${n.reason.slice(0, MAX_REASON - 1)}…` : n.reason;
  const label = [`${n.kind}: ${n.label}`, n.label.includes(n.record_id) ? '' : n.record_id, n.status, reason].filter((s) => s !== '').join('\n');
  return [
    `label=${quote(label)}`,
    `shape=${SHAPES[n.kind]}`,
    `fillcolor=${quote(colours.fill)}`,
    `color=${quote(colours.stroke)}`,
    `tooltip=${quote(n.reason || n.status)}`,
  ].join(', ');
}

/** A DOT double-quoted string: backslashes and quotes escaped, newlines as centred line breaks. */
export function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
