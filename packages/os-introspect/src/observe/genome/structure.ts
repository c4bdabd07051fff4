import type { z } from 'zod';
import { hostIdentity, importClosure, resolveNixPath, type GenomeHost, type NixModuleFacts } from '@autopoietic/core/nix-syntax';
import type { HostEntry, ImportEntry, ModuleEntry, NixFileEntry } from '@autopoietic/core/schemas';
import type { GenomeLayout, ParsedGenome } from './model.js';
import type { FileResult } from './parse-file.js';

/** Per-file records of the self-state: nix_files, modules, the import graph and the hosts. */
type NixFile = z.infer<typeof NixFileEntry>;
type Module = z.infer<typeof ModuleEntry>;
type Import = z.infer<typeof ImportEntry>;
type Host = z.infer<typeof HostEntry>;

/** Nix's message, and undefinedVariables' (core nix-syntax), for a name no scope binds. */
const UNDEFINED_VARIABLE = /^undefined variable '/;

export function nixFileEntry(r: FileResult): NixFile {
  const a = r.analysis;
  const c = r.confirmation;
  const diagnostics: NixFile['parse']['diagnostics'] = [];
  const benign: NixFile['parse']['benign'] = (a?.syntax.benign ?? []).map((b) => ({ line: b.line, col: b.col, kind: b.kind, message: b.message }));
  if (c?.status === 'confirmed' && c.nix) diagnostics.push({ location: `${r.rel}:${c.nix.line}:${c.nix.col}`, line: c.nix.line, col: c.nix.col, message: c.nix.message, origin: 'nix-instantiate' });
  // Nix names an unbound variable only once its grammar took the whole file: tree-sitter's own
  // grammar errors are then gaps of its grammar, and only the names stay errors.
  const namesOnly = c?.status === 'confirmed' && c.nix !== undefined && UNDEFINED_VARIABLE.test(c.nix.message);
  for (const e of a?.syntax.errors ?? []) {
    const d = { line: e.line, col: e.col, message: e.message };
    if (c?.status === 'not-confirmed' || (namesOnly && !UNDEFINED_VARIABLE.test(e.message))) benign.push({ ...d, kind: 'tree-sitter-only' });
    else diagnostics.push({ location: `${r.rel}:${e.line}:${e.col}`, ...d, origin: 'tree-sitter' });
  }
  return {
    path: r.rel,
    bytes: r.bytes,
    sha256: r.sha256 as NixFile['sha256'],
    cached: r.cached,
    parse: {
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      diagnostics,
      benign,
      ...(c ? { confirmation: { status: c.status, tool: 'nix-instantiate --parse' as const, ...(c.detail ? { detail: c.detail } : {}) } } : {}),
    },
  };
}

export function moduleEntry(rel: string, m: NixModuleFacts, genome: GenomeLayout): Module {
  return {
    path: rel,
    form: m.form,
    options: m.options.map((o) => ({
      path: o.path,
      declared_with: o.declared_with,
      type: o.type,
      default: o.default,
      description: o.description,
      example: o.example,
      ...(o.default_value !== undefined ? { default_value: o.default_value } : {}),
      ...(o.description_value !== undefined ? { description_value: o.description_value } : {}),
      line: o.binding.line,
    })),
    ...(m.computed_options.length ? { computed_options: m.computed_options.map((c) => ({ path: c.path, expr: c.expr, line: c.line })) } : {}),
    config: m.config.map((s) => ({ path: s.path, line: s.binding.line, conditional: s.conditional, ...(s.literal !== undefined ? { literal: s.literal } : {}) })),
    ...(m.computed_config.length ? { computed_config: m.computed_config.map((c) => ({ path: c.path, expr: c.expr, line: c.line })) } : {}),
    imports: m.imports.map((i) => importEntry(rel, i.expr, i.path, i.dynamic, i.line, genome)),
  };
}

/** An entry of a module's `imports`: `path` as written in `from` (resolved against the genome's layout). */
export function importEntry(from: string, expr: string, path: string | undefined, dynamic: boolean, line: number, genome: GenomeLayout): Import {
  if (dynamic || path === undefined) return { expr, line, status: 'dynamic', target: null };
  const t = resolveNixPath(from, path, genome);
  if (t.kind === 'external') return { expr, line, status: 'external', target: null };
  return { expr, line, status: t.kind, target: t.path };
}

export function importGraph(modules: Pick<Module, 'path' | 'imports'>[]): { from: string; to: string; line: number }[] {
  return modules.flatMap((m) => m.imports.filter((i) => i.status === 'file' && i.target).map((i) => ({ from: m.path, to: i.target!, line: i.line })));
}

export function hostEntries(genome: ParsedGenome, hosts: readonly GenomeHost[]): Host[] {
  return hosts.map((h) => {
    const closure = importClosure(h.modules, genome);
    const id = hostIdentity(h, genome, closure);
    return {
      name: h.name,
      source: h.source,
      file: h.file,
      line: h.line,
      system: h.system,
      modules: h.modules,
      external_modules: h.external_modules,
      modules_static: h.modules_static,
      closure,
      identity: {
        host: id.host?.value ?? null,
        roles: id.roles?.value ?? null,
        ...(id.host ? { host_at: `${id.host.file}:${id.host.line}` } : {}),
        ...(id.roles ? { roles_at: `${id.roles.file}:${id.roles.line}` } : {}),
      },
    };
  });
}
