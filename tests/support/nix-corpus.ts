// Nix sources for the tests that check the compact syntax trees against web-tree-sitter: every
// .nix file of the repository (examples, modules, test fixtures), a generated genome
// (bench/introspect-tree.ts) and deterministic corruptions of some of them, so that trees with
// ERROR and MISSING nodes are covered as well as clean ones.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree, rng } from '../../bench/introspect-tree.js';

export interface CorpusFile {
  name: string;
  text: string;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'test-artifacts', '.demo', 'coverage']);

/** Every .nix file of the repository, by path. */
export function repositoryNixFiles(root = REPO): CorpusFile[] {
  const out: CorpusFile[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) visit(join(dir, e.name));
      else if (e.isFile() && e.name.endsWith('.nix')) out.push({ name: relative(root, join(dir, e.name)), text: readFileSync(join(dir, e.name), 'utf8') });
    }
  };
  visit(root);
  return out;
}

/** `files` files of the benchmark's generated genome (written to a temp dir, read, removed). */
export function generatedNixFiles(files: number, seed = 7): CorpusFile[] {
  const dir = mkdtempSync(join(tmpdir(), 'aos-nix-corpus-'));
  try {
    const tree = generateTree(dir, files, seed);
    return tree.files.map((f) => ({ name: `generated/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Tokens inserted or deleted: Nix punctuation, keywords, and characters outside ASCII and the BMP. */
const TOKENS = ['{', '}', ';', '=', '"', "''", '${', '(', ')', '[', ']', 'let', 'in', 'é', '→', '😀', '\\', '#'];

/** An offset of `text` that does not split a surrogate pair. */
function boundary(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c >= 0xdc00 && c <= 0xdfff ? at + 1 : at;
}

/**
 * `copies` corruptions of each of `files`: one to four edits, each inserting a token at a random
 * offset or deleting the next occurrence of one, with a fixed seed.
 */
export function corruptedNixFiles(files: readonly CorpusFile[], copies = 3, seed = 2024): CorpusFile[] {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const out: CorpusFile[] = [];
  for (const f of files) {
    for (let c = 0; c < copies; c++) {
      let text = f.text;
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const token = pick(TOKENS);
        const at = boundary(text, Math.floor(next() * (text.length + 1)));
        if (next() < 0.5) {
          text = text.slice(0, at) + token + text.slice(at);
        } else {
          const found = text.indexOf(token, at);
          if (found !== -1) text = text.slice(0, found) + text.slice(found + token.length);
        }
      }
      out.push({ name: `${f.name}~${c}`, text });
    }
  }
  return out;
}

/** The corpus: the repository's files, `generated` generated ones, and corruptions of every fourth file. */
export function nixCorpus(generated = 250): CorpusFile[] {
  const clean = [...repositoryNixFiles(), ...generatedNixFiles(generated)];
  return [...clean, ...corruptedNixFiles(clean.filter((_, i) => i % 4 === 0))];
}
