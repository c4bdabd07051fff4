import { loadNixParser, analyzeTree } from '@autopoietic/core/nix-syntax';
import { parseFile } from '../dist/observe/genome/parse-file.js';
import { makeConfirmer } from '../dist/observe/genome/confirm.js';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
const files = execSync('find /tmp/bench-g -name "*.nix"', { encoding: 'utf8' }).trim().split('\n');
const parser = await loadNixParser();
const ctx = { parser, known: new Set(), confirm: makeConfirmer() };
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  const res = [];
  for (const f of files) res.push(await parseFile({ rel: f, abs: f }, ctx));
  const all = performance.now() - t;
  t = performance.now();
  for (const f of files) readFileSync(f);
  const read = performance.now() - t;
  t = performance.now();
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  let parseOnly = 0;
  for (const s of texts) { const t0 = performance.now(); const tr = parser.parse(s); parseOnly += performance.now() - t0; tr.delete(); }
  t = performance.now();
  const ser = v8.serialize(res); const serMs = performance.now() - t;
  t = performance.now(); v8.deserialize(ser); const deMs = performance.now() - t;
  t = performance.now(); const js = JSON.stringify(res.map(r=>r.object)); const jsMs = performance.now() - t;
  console.log({ parseFileAll: all|0, readOnly: read|0, parseOnly: parseOnly|0, serMs: serMs|0, deMs: deMs|0, cloneBytes: ser.length, jsonMs: jsMs|0, jsonBytes: js.length });
}
