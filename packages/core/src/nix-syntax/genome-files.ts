import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundedFile } from '../adapters/bounded-read.js';
import { analyzeTree, type NixFileAnalysis } from './analyze.js';
import { genomeHosts, hostIdentity, type GenomeHost, type GenomeIndex, type IdentityValues } from './genome-graph.js';
import { loadNixParser, type NixParser } from './parser.js';

/** Files larger than this are not parsed (no hand-written Nix module is anywhere near it). */
export const MAX_NIX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * A GenomeIndex that reads and parses files on demand, for callers that need a few files
 * (install-plan reading one host's identity) rather than os-introspect's full walk.
 */
export async function openGenomeIndex(root: string): Promise<GenomeIndex> {
  const parser = await loadNixParser();
  return new LazyGenomeIndex(root, parser);
}

class LazyGenomeIndex implements GenomeIndex {
  private readonly analyses = new Map<string, NixFileAnalysis | undefined>();

  constructor(
    private readonly root: string,
    private readonly parser: NixParser,
  ) {}

  analysis(rel: string): NixFileAnalysis | undefined {
    if (this.analyses.has(rel)) return this.analyses.get(rel);
    // Unreadable, missing, too large or not a regular file (a FIFO would block the read): the
    // caller sees "no analysis".
    const read = readBoundedFile(join(this.root, rel), MAX_NIX_FILE_BYTES);
    const result = read.ok ? this.parser.withTree(read.bytes.toString('utf8'), analyzeTree) : undefined;
    this.analyses.set(rel, result);
    return result;
  }

  kind(rel: string): 'file' | 'dir' | undefined {
    try {
      const st = statSync(join(this.root, rel));
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  }

  children(relDir: string): string[] | undefined {
    try {
      return readdirSync(join(this.root, relDir));
    } catch {
      return undefined;
    }
  }
}

export interface GenomeHostIdentity extends IdentityValues {
  configuration: string;
  host_decl: GenomeHost;
}

/**
 * The `autopoietic.identity.host`/`roles` a host configuration of the genome sets, read from the
 * Nix source (no evaluation). Undefined when the genome has no such configuration.
 */
export async function readHostIdentity(root: string, configuration: string): Promise<GenomeHostIdentity | undefined> {
  const index = await openGenomeIndex(root);
  const host = genomeHosts(index).find((h) => h.name === configuration);
  if (!host) return undefined;
  return { configuration, host_decl: host, ...hostIdentity(host, index) };
}
