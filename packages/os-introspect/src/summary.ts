import { terminalText } from '@autopoietic/core/cli-kit';
import type { SelfState } from '@autopoietic/core/schemas';

/** A short human overview of a self-state (`--format summary`). */
export function renderSummary(s: SelfState, now: Date = new Date(s.observed_at)): string {
  const g = s.genome;
  const lines: string[] = [];
  if (s.identity.source === 'none') lines.push('host none  [no identity file, none in the genome, and this machine has no hostname: see identity.detail]');
  else lines.push(`host ${s.identity.host}${s.identity.roles.length ? ` (${s.identity.roles.join(', ')})` : ''}  [identity from ${s.identity.source}]`);
  lines.push(`genome ${g.root}${g.has_flake ? '' : '  (no flake.nix)'}`);
  const opts = g.modules.reduce((n, m) => n + m.options.length, 0);
  const stats = g.parse_stats;
  lines.push(`  ${stats.files} .nix files (${stats.parsed} parsed, ${stats.cache_hits} from cache, ${stats.workers || 'no'} workers), ${g.modules.length} modules, ${opts} options, ${g.import_graph.length} import edges`);
  lines.push(`  hosts: ${g.hosts.length ? g.hosts.map((h) => `${h.name} (${hostModules(h)}${h.identity.host ? `, identity ${h.identity.host}` : ''})`).join(', ') : 'none'}`);
  lines.push(`  inputs: ${g.inputs.length ? g.inputs.map((i) => `${i.name} ${inputWhere(i)}${i.last_modified ? `, ${age(i.last_modified, now)} old` : ''}`).join('; ') : g.has_lock ? 'none' : 'no flake.lock'}`);
  // A computed output (`checks = forAllSystems (...)`) is named by its pattern: left out, a flake
  // whose checks are all computed read as having none.
  const outputs = [...new Set(g.outputs.map((o) => (o.static ? o.attr : `${o.attr} (computed)`)))];
  lines.push(`  outputs: ${outputs.length ? outputs.join(', ') : 'none'}${g.outputs_eval.requested ? ` [eval: ${g.outputs_eval.available ? 'ok' : g.outputs_eval.reason}]` : ''}`);
  lines.push(`  organs: ${g.organs.length}`);
  const broken = g.nix_files.filter((f) => f.parse.status !== 'ok');
  lines.push(`  parse problems: ${broken.length ? '' : 'none'}`);
  for (const f of broken) lines.push(`    ${f.parse.diagnostics[0]?.location ?? f.path}: ${f.parse.status}${f.parse.diagnostics[0] ? `: ${f.parse.diagnostics[0].message}` : f.parse.reason ? `: ${f.parse.reason}` : ''}`);
  // What the walk could not read (a directory it may not list, a link loop, a name that is not
  // UTF-8, files a sparse checkout left out): without this line, "parse problems: none" read as
  // if the whole genome had been read.
  if (g.skipped.length) lines.push(`  not read: ${g.skipped.length}`);
  for (const x of g.skipped.slice(0, SKIPPED_SHOWN)) lines.push(`    ${x.path}: ${x.reason}`);
  if (g.skipped.length > SKIPPED_SHOWN) lines.push(`    (+${g.skipped.length - SKIPPED_SHOWN} more in genome.skipped)`);
  lines.push(`memory ${s.memory.root} (${s.memory.source})`);
  for (const l of s.memory.ledgers) lines.push(`  ${l.kind.padEnd(11)} ${l.status.padEnd(10)} ${ledgerSize(l)}${l.first_problem ? `  ${l.first_problem}` : ''}`.trimEnd());
  const b = s.body;
  lines.push(`body ${b.platform.nix_system} ${b.platform.release}; systemd ${b.systemd.available ? `${b.systemd.units.length} units` : 'unavailable'}; ${b.generations.system_generations.length} system generations`);
  for (const p of s.pain_points) lines.push(`pain: ${p.signal}: ${p.evidence.slice(0, 3).join('; ')}${p.evidence.length > 3 ? ` (+${p.evidence.length - 3} more)` : ''} -> ${p.candidate}`);
  // Names and messages come from the genome, the host and the ledgers: one line each, no escapes.
  return lines.map((l) => terminalText(l.replace(/\r?\n/g, '\\n'))).join('\n');
}

/** Entries of genome.skipped the summary names (a sparse checkout can leave out thousands). */
const SKIPPED_SHOWN = 10;

/** `12 lines`, `absent`, or nothing for a ledger this user may not read (its 0 lines are not known). */
function ledgerSize(l: SelfState['memory']['ledgers'][number]): string {
  if (l.status === 'unreadable') return '';
  return l.exists ? `${l.lines} lines` : 'absent';
}

/**
 * `3 module files`, `3 module files + 1 other` (an input's module, a call, a missing path); a
 * module list the reader could not follow (`mkHost "a"`, `[ … ] ++ extra`)
 * says so, since its closure is only what was read (it read '0 module files' for a real host).
 */
function hostModules(h: SelfState['genome']['hosts'][number]): string {
  // Entries that are not genome files (inputs' modules, calls, missing paths) are counted too.
  const external = h.external_modules.length ? ` + ${h.external_modules.length} other` : '';
  const files = `${h.closure.length} module file${h.closure.length === 1 ? '' : 's'}${external}`;
  if (h.modules_static) return files;
  return h.closure.length || external ? `${files} + computed` : 'modules computed';
}

function inputWhere(i: SelfState['genome']['inputs'][number]): string {
  if (i.follows) return `(follows ${i.follows})`;
  const src = i.owner && i.repo ? `${i.type}:${i.owner}/${i.repo}` : (i.url ?? i.type ?? 'unlocked');
  return `${src}${i.rev ? `@${i.rev.slice(0, 7)}` : ''}`;
}

/** `3 days`, `5 months`, `2 years`. */
export function age(lastModified: number, now: Date): string {
  const days = Math.max(0, Math.floor((now.getTime() / 1000 - lastModified) / 86400));
  if (days < 60) return `${days} day${days === 1 ? '' : 's'}`;
  if (days < 730) return `${Math.floor(days / 30)} months`;
  return `${Math.floor(days / 365)} years`;
}
