import type { GenomeIndex, NixFileAnalysis } from '@autopoietic/core/nix-syntax';
import type { FileResult } from './parse-file.js';

/**
 * The genome's files and directories, known once the tree is walked (before anything is
 * parsed): enough to resolve a path written in a module (`./a.nix`, `../modules`). Parse workers
 * get one, so that they can resolve the imports of the modules they read.
 */
export class GenomeLayout implements GenomeIndex {
  private readonly fileSet: Set<string>;
  private readonly dirs: Set<string>;
  private readonly childNames = new Map<string, Set<string>>();

  constructor(files: Iterable<string>) {
    this.fileSet = new Set(files);
    this.dirs = dirsOf(this.fileSet);
    for (const rel of [...this.fileSet, ...this.dirs]) {
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

  /** The layout knows no analysis (see ParsedGenome). */
  analysis(_rel: string): NixFileAnalysis | undefined {
    return undefined;
  }

  kind(rel: string): 'file' | 'dir' | undefined {
    if (this.fileSet.has(rel)) return 'file';
    return this.dirs.has(rel) ? 'dir' : undefined;
  }

  children(relDir: string): string[] | undefined {
    if (!this.dirs.has(relDir)) return undefined;
    return [...(this.childNames.get(relDir) ?? [])].sort();
  }

  /** Every .nix file path. */
  files(): string[] {
    return [...this.fileSet];
  }
}

/** The parsed genome as the core GenomeIndex: hosts, imports and identity are resolved over it. */
export class ParsedGenome implements GenomeIndex {
  private readonly byRel = new Map<string, FileResult>();

  /** `layout` is the one the files' facts were made with (the same files as `results`). */
  constructor(
    results: FileResult[],
    readonly layout: GenomeLayout,
  ) {
    for (const r of results) this.byRel.set(r.rel, r);
  }

  analysis(rel: string): NixFileAnalysis | undefined {
    return this.byRel.get(rel)?.analysis;
  }

  /** The file's result, with its facts. */
  result(rel: string): FileResult | undefined {
    return this.byRel.get(rel);
  }

  kind(rel: string): 'file' | 'dir' | undefined {
    return this.layout.kind(rel);
  }

  children(relDir: string): string[] | undefined {
    return this.layout.children(relDir);
  }
}

/** Directories that hold .nix files (for resolving `./dir` imports), the root as ''. */
function dirsOf(rels: Iterable<string>): Set<string> {
  const dirs = new Set<string>(['']);
  for (const rel of rels) {
    for (let cut = rel.indexOf('/'); cut >= 0; cut = rel.indexOf('/', cut + 1)) dirs.add(rel.slice(0, cut));
  }
  return dirs;
}
