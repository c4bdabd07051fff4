import type { GenomeIndex, NixFileAnalysis } from '@autopoietic/core/nix-syntax';
import type { FileResult } from './parse-file.js';

/** The parsed genome as the core GenomeIndex: hosts, imports and identity are resolved over it. */
export class ParsedGenome implements GenomeIndex {
  private readonly byRel = new Map<string, FileResult>();

  constructor(
    results: FileResult[],
    private readonly dirs: Set<string>,
  ) {
    for (const r of results) this.byRel.set(r.rel, r);
  }

  analysis(rel: string): NixFileAnalysis | undefined {
    return this.byRel.get(rel)?.analysis;
  }

  kind(rel: string): 'file' | 'dir' | undefined {
    if (this.byRel.has(rel)) return 'file';
    return this.dirs.has(rel) ? 'dir' : undefined;
  }

  children(relDir: string): string[] | undefined {
    if (!this.dirs.has(relDir)) return undefined;
    const prefix = relDir ? `${relDir}/` : '';
    const names = new Set<string>();
    for (const rel of [...this.byRel.keys(), ...this.dirs]) {
      if (rel.startsWith(prefix) && rel.length > prefix.length) names.add(rel.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }

  file(rel: string): FileResult | undefined {
    return this.byRel.get(rel);
  }
}
