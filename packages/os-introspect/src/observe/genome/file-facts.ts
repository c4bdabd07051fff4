import type { z } from 'zod';
import type { NixFileAnalysis } from '@autopoietic/core/nix-syntax';
import type { GenomeOrgan, ImportEntry } from '@autopoietic/core/schemas';
import { loadCompiledValidator, type CompiledValidator } from '@autopoietic/core/schemas/compiled';
import { prettyAt } from '../json-text.js';
import type { GenomeLayout } from './model.js';
import { moduleOrgans } from './organs.js';
import { moduleEntry } from './structure.js';

type Organ = z.infer<typeof GenomeOrgan>;
type Import = z.infer<typeof ImportEntry>;

/**
 * What one file adds to the genome, computed by the thread that analysed it (a parse worker, or
 * this thread for files from the cache): its entry of `modules`, already validated and rendered
 * as the JSON it is printed as, and what the genome-wide parts need of it (imports for the
 * import graph and pain points, the organs it defines). The main thread then only puts pieces
 * together: most of a large genome's output is module entries.
 */
export interface FileFacts {
  /**
   * `modules[i]` as pretty JSON at its depth in the self-state, UTF-8 (bytes, not a string: the
   * main thread prints them as they are, and does not copy them around its young heap); absent
   * when the file is not a module.
   */
  moduleJson?: Uint8Array;
  /** The module entry's imports (resolved against the layout). */
  imports: Import[];
  /** Organs the module defines (options, systemd units, Home Manager users). */
  organs: Organ[];
  /** Set when the entry does not match its schema (a bug): where and what (the run then fails). */
  invalid?: string;
}

/** Depth of a `modules` element in the self-state: self-state > genome > modules > element. */
export const MODULE_DEPTH = 3;

const utf8 = new TextEncoder();

export function fileFacts(rel: string, analysis: NixFileAnalysis | undefined, layout: GenomeLayout, check: CompiledValidator): FileFacts {
  const m = analysis?.module;
  if (!m) return { imports: [], organs: [] };
  const entry = moduleEntry(rel, m, layout);
  const facts: FileFacts = { moduleJson: utf8.encode(prettyAt(entry, MODULE_DEPTH)), imports: entry.imports, organs: moduleOrgans(entry, m, layout) };
  if (!check(entry)) facts.invalid = `${rel}${check.errors?.[0]?.instancePath ?? ''}: ${check.errors?.[0]?.message ?? 'invalid'}`;
  return facts;
}

/**
 * What the main thread still reads of a file's analysis once the thread that analysed it made
 * its facts: the syntax report (nix_files), the flake (outputs, hosts) and, of a module, its
 * imports (host closures, flake-parts modules), the `autopoietic.identity.*` settings (host
 * identity, see hostIdentity in core) and the Home Manager modules it hands over (which files
 * are Home Manager modules, module-classes.ts). Sent instead of the whole analysis, which can be
 * several times the size of the file.
 */
export function assemblyView(a: NixFileAnalysis): NixFileAnalysis {
  if (!a.module) return a;
  const config = a.module.config.filter((s) => s.path.startsWith('autopoietic.identity.'));
  const home = a.module.home_modules;
  return { ...a, module: { form: a.module.form, options: [], computed_options: [], config, computed_config: [], imports: a.module.imports, ...(home ? { home_modules: home } : {}) } };
}

/** The compiled validator of one `modules` entry (a variant of the self-state's, `pnpm schemas`). */
export async function loadModuleEntryCheck(): Promise<CompiledValidator> {
  const check = await loadCompiledValidator('self-state', 'validateModuleEntry');
  if (!check) throw new Error('the compiled self-state validators have no validateModuleEntry: run pnpm schemas');
  return check;
}
