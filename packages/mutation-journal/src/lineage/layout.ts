import { EDGE_KINDS, type LineageEdge, type LineageView } from './model.js';

/**
 * A tidy tree layout of the view, in grid units: `col` is the depth from a root, `row` the
 * vertical slot. Each node hangs under one primary parent (its incoming edge of the earliest
 * kind in pipeline order); the other edges are drawn as cross links. Leaves take consecutive
 * rows in node order and a parent is centred on its children, so the same view always gets the
 * same picture.
 */
export interface NodePlace {
  col: number;
  row: number;
}

export interface TreeLayout {
  places: Record<string, NodePlace>;
  /** Edges of the tree (parent -> child) and the remaining cross links. */
  tree: LineageEdge[];
  cross: LineageEdge[];
  cols: number;
  rows: number;
}

export function layoutTree(view: Pick<LineageView, 'nodes' | 'edges'>): TreeLayout {
  const order = new Map(view.nodes.map((n, i) => [n.id, i]));
  const primary = new Map<string, LineageEdge>();
  for (const e of view.edges) {
    const cur = primary.get(e.to);
    if (!cur || better(e, cur, order)) primary.set(e.to, e);
  }
  const children = new Map<string, string[]>();
  for (const e of primary.values()) {
    const list = children.get(e.from);
    if (list) list.push(e.to);
    else children.set(e.from, [e.to]);
  }
  for (const list of children.values()) list.sort((a, b) => order.get(a)! - order.get(b)!);

  const places: Record<string, NodePlace> = {};
  const placed = new Set<string>();
  let nextRow = 0;
  let cols = 0;
  // Depth first with an explicit stack, not recursion: an attempt tree is as deep as its longest
  // line of parents (every evolve attempt hangs under the previous one, and --from-attempt runs go
  // on from there), and a few thousand attempts overflowed the call stack.
  interface Frame {
    id: string;
    col: number;
    kids: string[];
    rows: number[];
  }
  /** Marks `id` placed; a leaf gets the next row at once, a parent a frame to place its children from. */
  const enter = (id: string, col: number): Frame | undefined => {
    placed.add(id);
    cols = Math.max(cols, col + 1);
    const kids = (children.get(id) ?? []).filter((k) => !placed.has(k));
    if (kids.length > 0) return { id, col, kids, rows: [] };
    places[id] = { col, row: nextRow++ };
    return undefined;
  };
  const place = (root: string): void => {
    const stack: Frame[] = [];
    const first = enter(root, 0);
    if (first) stack.push(first);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.rows.length < top.kids.length) {
        const kid = top.kids[top.rows.length]!;
        const frame = enter(kid, top.col + 1);
        if (frame) stack.push(frame);
        else top.rows.push(places[kid]!.row);
        continue;
      }
      stack.pop();
      const row = (top.rows[0]! + top.rows[top.rows.length - 1]!) / 2;
      places[top.id] = { col: top.col, row };
      stack[stack.length - 1]?.rows.push(row);
    }
  };
  for (const n of view.nodes) if (!primary.has(n.id) && !placed.has(n.id)) place(n.id);
  // Nodes whose primary parent chain loops (only possible in hand-edited ledgers) start their own tree.
  for (const n of view.nodes) if (!placed.has(n.id)) place(n.id);

  const treeEdges = new Set(primary.values());
  return {
    places,
    tree: view.edges.filter((e) => treeEdges.has(e)),
    cross: view.edges.filter((e) => !treeEdges.has(e)),
    cols,
    rows: nextRow,
  };
}

function better(e: LineageEdge, cur: LineageEdge, order: Map<string, number>): boolean {
  const k = EDGE_KINDS.indexOf(e.kind) - EDGE_KINDS.indexOf(cur.kind);
  if (k !== 0) return k < 0;
  return order.get(e.from)! < order.get(cur.from)!;
}
