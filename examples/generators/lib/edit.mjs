import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { genomeHosts, importClosure, loadNixParser, openGenomeIndex, unwrapBody, isAttrset } from '@autopoietic/core/nix-syntax';

/**
 * Where and how to set an option for a host, read from the tree-sitter parse of the genome (core
 * nix-syntax): the host's module files are its import closure; an existing unconditional
 * setting of the option is replaced at its value's exact source span; otherwise a binding is
 * inserted before the closing brace of the host file's top-level attribute set.
 */

/**
 * Finds where the option is (or would be) set for the host.
 * @returns {Promise<{ file: string, source: string, span?: { start: number, end: number }, existing?: { literal: unknown, line: number } }>}
 */
export async function locateSetting(genome, host, option) {
  const index = await openGenomeIndex(genome);
  const hosts = genomeHosts(index);
  const target = hosts.find((h) => h.name === host);
  if (!target) {
    throw new Error(`host ${JSON.stringify(host)} is not in the genome (hosts: ${hosts.map((h) => h.name).join(', ') || 'none'})`);
  }
  for (const file of importClosure(target.modules, index)) {
    const settings = index.analysis(file)?.module?.config ?? [];
    const hit = settings.find((s) => s.path === option && !s.conditional && !s.dynamic && s.value_span);
    if (!hit) continue;
    const source = readFileSync(join(genome, file), 'utf8');
    return { file, source, span: { start: hit.value_span.start, end: hit.value_span.end }, existing: { literal: hit.literal, line: hit.binding.line } };
  }
  const file = target.modules[0];
  if (!file) throw new Error(`host ${host} has no module file of the genome to edit`);
  return { file, source: readFileSync(join(genome, file), 'utf8') };
}

/** The file's new text with the option set to `renderedValue` (Nix source). */
export async function applySetting(located, option, renderedValue) {
  const { source, span } = located;
  if (span) return source.slice(0, span.start) + renderedValue + source.slice(span.end);
  return insertBinding(source, `${option} = ${renderedValue};`, located.file);
}

async function insertBinding(source, binding, file) {
  const parser = await loadNixParser();
  return parser.withTree(source, (root) => {
    const top = root.childForFieldName('expression');
    const body = top ? unwrapBody(top).node : undefined;
    if (!body || !isAttrset(body)) throw new Error(`${file} is not a module whose value is an attribute set`);
    const close = body.endIndex - 1; // the `}`
    const lineStart = source.lastIndexOf('\n', close - 1) + 1;
    if (source.slice(lineStart, close).trim() !== '') return `${source.slice(0, close)}${binding} ${source.slice(close)}`;
    const indent = bindingIndent(body, source) ?? `${source.slice(lineStart, close)}  `;
    return `${source.slice(0, lineStart)}\n${indent}${binding}\n${source.slice(lineStart)}`;
  });
}

/** The indentation of the attribute set's first binding, to match the file's style. */
function bindingIndent(attrset, source) {
  const set = attrset.namedChildren.find((c) => c.type === 'binding_set');
  const first = set?.namedChildren[0];
  if (!first) return undefined;
  const lineStart = source.lastIndexOf('\n', first.startIndex - 1) + 1;
  const lead = source.slice(lineStart, first.startIndex);
  return /^[ \t]*$/.test(lead) ? lead : undefined;
}
