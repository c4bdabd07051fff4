import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile } from '@autopoietic/core/adapters';
import type { GenomeOrgan } from '@autopoietic/core/schemas';

type Organ = z.infer<typeof GenomeOrgan>;

/** Organs of `packages/<name>/` and `pkgs/<name>/` (read outside the .nix walk). */
export function packageDirOrgans(root: string): Organ[] {
  return [...dirOrgans(root, 'packages'), ...dirOrgans(root, 'pkgs')];
}

/** `packages/<name>/` with a default.nix/package.nix (a package) or a package.json (`bin` -> CLIs). */
function dirOrgans(root: string, dir: string): Organ[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const out: Organ[] = [];
  for (const name of names) {
    const source = `${dir}/${name}`;
    const bins = packageJsonBins(join(root, source, 'package.json'));
    if (bins === undefined) {
      const files = safeList(join(root, source));
      if (files.includes('default.nix') || files.includes('package.nix')) out.push({ name, type: 'package', source, line: null, detected_by: `Nix package in ${source}/` });
      continue;
    }
    if (!bins.length) out.push({ name, type: 'package', source, line: null, detected_by: `${source}/package.json` });
    for (const bin of bins) out.push({ name: bin, type: 'cli', source, line: null, detected_by: `bin of ${source}/package.json` });
  }
  return out;
}

/**
 * A package.json's CLIs; undefined when there is none to read. Only a regular file is read (as
 * flake.lock: a link to /dev/zero was read without end), and JSON that is no object (`null`) is
 * none.
 */
function packageJsonBins(file: string): string[] | undefined {
  const r = readBoundedFile(file, MAX_DOCUMENT_FILE_BYTES);
  if (!r.ok) return undefined;
  let pkg: { bin?: unknown; name?: unknown } | null;
  try {
    pkg = JSON.parse(r.bytes.toString('utf8')) as typeof pkg;
  } catch {
    return undefined;
  }
  if (pkg === null || typeof pkg !== 'object') return undefined;
  if (typeof pkg.bin === 'string' && typeof pkg.name === 'string') return [pkg.name.replace(/^@[^/]+\//, '')];
  if (pkg.bin && typeof pkg.bin === 'object') return Object.keys(pkg.bin).sort();
  return [];
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
