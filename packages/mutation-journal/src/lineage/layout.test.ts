import { describe, expect, it } from 'vitest';
import { layoutTree } from './layout.js';
import type { LineageEdge, LineageNode } from './model.js';

const node = (id: string): LineageNode => ({ id, kind: 'attempt', record_id: id, label: id, status: 'verified', reason: '', timestamp: null, details: [], links: [], sources: [] });
const edge = (from: string, to: string, kind: LineageEdge['kind']): LineageEdge => ({ from, to, kind });

describe('layoutTree', () => {
  it('puts leaves on consecutive rows and centres a parent on its children', () => {
    const l = layoutTree({ nodes: ['a', 'b', 'c', 'd'].map(node), edges: [edge('a', 'b', 'parent-attempt'), edge('a', 'c', 'parent-attempt'), edge('c', 'd', 'parent-attempt')] });
    expect(l.places).toEqual({ a: { col: 0, row: 0.5 }, b: { col: 1, row: 0 }, c: { col: 1, row: 1 }, d: { col: 2, row: 1 } });
    expect(l.cols).toBe(3);
    expect(l.rows).toBe(2);
    expect(l.cross).toEqual([]);
  });

  it('hangs a node under its earliest-kind parent and draws the other edges as cross links', () => {
    const edges = [edge('p', 'g2', 'installed'), edge('g1', 'g2', 'parent-generation')];
    const l = layoutTree({ nodes: ['g1', 'p', 'g2'].map(node), edges });
    expect(l.tree).toEqual([edges[0]]);
    expect(l.cross).toEqual([edges[1]]);
    expect(l.places.g2).toEqual({ col: 1, row: 1 });
  });

  it('still places every node when hand-edited records make the parent links loop', () => {
    const l = layoutTree({ nodes: ['x', 'y'].map(node), edges: [edge('x', 'y', 'parent-attempt'), edge('y', 'x', 'parent-attempt')] });
    expect(Object.keys(l.places).sort()).toEqual(['x', 'y']);
  });

  it('lays out a line of 20,000 attempts, each the parent of the next, without running out of stack', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `a${i}`);
    const edges = ids.slice(1).map((id, i) => edge(ids[i]!, id, 'parent-attempt'));
    const l = layoutTree({ nodes: ids.map(node), edges });
    expect(l.cols).toBe(20_000);
    expect(l.rows).toBe(1);
    expect(l.places.a0).toEqual({ col: 0, row: 0 });
    expect(l.places.a19999).toEqual({ col: 19_999, row: 0 });
    expect(l.tree).toHaveLength(19_999);
  });
});
