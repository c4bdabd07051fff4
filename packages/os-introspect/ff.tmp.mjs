import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const { loadNixParser, analyzeTree } = await import('@autopoietic/core/nix-syntax');
const { fileFacts, loadModuleEntryCheck } = await import('./dist/observe/genome/file-facts.js');
const { GenomeLayout } = await import('./dist/observe/genome/model.js');
const rels = execSync('cd /tmp/ib/genome && find . -name "*.nix" | sed s,^./,, | sort', { encoding: 'utf8' }).trim().split('\n');
const texts = rels.map((r) => readFileSync('/tmp/ib/genome/' + r, 'utf8'));
const parser = await loadNixParser();
const check = await loadModuleEntryCheck();
const layout = new GenomeLayout(rels);
const t0 = performance.now();
const analyses = texts.map((t) => parser.withTree(t, analyzeTree));
const t1 = performance.now();
let n = 0;
for (let r = 0; r < 3; r++) {
  const a = performance.now();
  for (let i = 0; i < rels.length; i++) n += fileFacts(rels[i], analyses[i].module ? analyses[i] : undefined, layout, check).organs.length;
  const b = performance.now();
  for (let i = 0; i < rels.length; i++) n += JSON.stringify(analyses[i]).length;
  console.log(`parse+analyze ${(t1 - t0).toFixed(0)} facts ${(b - a).toFixed(0)} stringify ${(performance.now() - b).toFixed(0)}`);
}
