import type { ImportEntry } from '@autopoietic/core/schemas';
import type { z } from 'zod';
import { prettyAt } from '../json-text.js';
import { MODULE_DEPTH, type FileFacts } from './file-facts.js';
import type { ParsedGenome } from './model.js';
import { importEntry } from './structure.js';

type Import = z.infer<typeof ImportEntry>;

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The facts of the flake-parts modules that import files through their `self`
 * (`{ self, ... }: { imports = [ "${self}/parts/x.nix" ]; }`): flake-parts gives every module it
 * imports the flake as `self`, so such an import is that file of flake.nix's directory. Each
 * file's analysis marked these imports (NixImportRef.self_path) and left them dynamic, since a
 * file alone does not say whether it is such a module; the flake reading does
 * (FlakeReading.parts). Only those files' entries are made again here, with their other imports
 * as they were: a few files a genome, nothing for a genome without mkFlake.
 */
export function partsSelfImports(genome: ParsedGenome, parts: readonly string[], flakeRel: string): Map<string, FileFacts> {
  const out = new Map<string, FileFacts>();
  for (const rel of parts) {
    const r = genome.result(rel);
    const refs = r?.analysis?.module?.imports;
    const facts = r?.facts;
    if (!refs || !facts?.moduleJson || !refs.some((i) => i.self_path !== undefined)) continue;
    // The entry's imports are the analysis' imports, one for one (moduleEntry).
    const imports = refs.map((i, n): Import => (i.self_path === undefined ? facts.imports[n]! : importEntry(flakeRel, i.expr, i.self_path, false, i.line, genome.layout)));
    const entry = JSON.parse(decoder.decode(facts.moduleJson)) as { imports: Import[] };
    entry.imports = imports;
    out.set(rel, { ...facts, imports, moduleJson: utf8.encode(prettyAt(entry, MODULE_DEPTH)) });
  }
  return out;
}
