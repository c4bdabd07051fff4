import type { GenomeIndex, NixFileAnalysis } from '@autopoietic/core/nix-syntax';
import type { FileResult } from './parse-file.js';

/** The parsed genome as the core GenomeIndex: hosts, imports and identity are resolved over it. */
export class ParsedGenome implements GenomeIndex {
  private readonly byRel = new Map<string, FileResult>();
  private readonly childNames = new Map<string, Set<string>>();

  constructor(
    results: FileResult[],
    private readonly dirs: Set<string>,
  ) {
    for (const r of results) this.byRel.set(r.rel, r);
    for (const rel of [...this.byRel.keys(), ...dirs]) {
      if (rel === '') continue;
      const cut = rel.lastIndexOf('/');
      const parent = cut < 0 ? '' : rel.slice(0, cut);
      let set = this.childNames.get(parent);
      if (!set) {
        set = new Set();
        this.childNames.set(parent, set);
      }
      set.add(rel.slice(cut + 1));
    }
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
    return [...(this.childNames.get(relDir) ?? [])].sort();
  }

  /** Every .nix file path. */
  files(): string[] {
    return [...this.byRel.keys()];
  }

  file(rel: string): FileResult | undefined {
    return this.byRel.get(rel);
  }
}
