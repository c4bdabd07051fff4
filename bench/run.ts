// `pnpm bench [name ...]`: runs bench/*.bench.ts (or the named ones) and rewrites the results
// block of docs/performance.md. Each section is replaced in place, so running one benchmark
// keeps the others' last results.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchSection } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const doc = join(here, '..', 'docs', 'performance.md');
const wanted = process.argv.slice(2).filter((a) => a !== '--');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();

let text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Performance\n\nRun `pnpm bench` (all) or `pnpm bench <name>` to refresh a section.\n';
let failed = 0;
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench ${name} ...\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: Bench };
  const section = await mod.default();
  failed += section.rows.filter((r) => r.pass === false).length;
  text = replaceSection(text, name, render(name, section));
  process.stdout.write(`${render(name, section)}\n`);
}
writeFileSync(doc, text);
process.stderr.write(`wrote ${doc}${failed ? ` (${failed} row(s) missed their target)` : ''}\n`);

function render(name: string, s: BenchSection): string {
  const lines = [
    `<!-- bench:${name} -->`,
    `## ${s.title}`,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores, Node ${process.version} (\`pnpm bench ${name}\`).`,
    '',
    '| what | baseline | measured | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...s.rows.map(
      (r) =>
        `| ${r.what} | ${r.baseline} | ${r.measured} | ${r.ratio === null ? '-' : r.ratio.toFixed(3)} | ${r.target} | ${r.pass === null ? '-' : r.pass ? 'yes' : 'no'} |`,
    ),
    ...(s.notes?.length ? ['', ...s.notes.map((n) => `- ${n}`)] : []),
    `<!-- /bench:${name} -->`,
  ];
  return lines.join('\n');
}

function replaceSection(all: string, name: string, block: string): string {
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  return re.test(all) ? all.replace(re, block) : `${all.trimEnd()}\n\n${block}\n`;
}
