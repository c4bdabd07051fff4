import type { z } from 'zod';
import type { PlacedOutput } from '@autopoietic/core/nix-syntax';
import type { FlakeOutputEntry } from '@autopoietic/core/schemas';
import { matches, type FlakeShow } from './flake-eval.js';

type Output = z.infer<typeof FlakeOutputEntry>;

/**
 * Flake outputs as parsed from flake.nix, each marked against `nix flake show` when it ran:
 * evaluated (Nix lists it), parsed-only (Nix does not), eval-only (Nix lists it, the source
 * computes it), or not-evaluated (no --eval, or evaluation failed).
 */
export function flakeOutputs(placed: PlacedOutput[], show: FlakeShow | undefined): Output[] {
  const evaluated = show?.ok ? show.outputs : undefined;
  const decls = placed.map((p) => p.decl);
  const out: Output[] = placed.map(({ decl: d, file }) => {
    const hit = evaluated?.find((e) => matches(d, e));
    return {
      category: d.category,
      name: d.name,
      system: d.system,
      attr: d.attr,
      static: d.static,
      file,
      line: d.line,
      ...(d.value_path ? { value_path: d.value_path } : {}),
      ...(d.read_dir ? { read_dir: d.read_dir } : {}),
      evaluation: !evaluated ? 'not-evaluated' : hit ? 'evaluated' : 'parsed-only',
      ...(hit ? { eval_type: hit.type } : {}),
    };
  });
  for (const e of evaluated ?? []) {
    if (decls.some((d) => d.static && matches(d, e))) continue;
    const pattern = placed.find((p) => !p.decl.static && matches(p.decl, e));
    const attr = [e.category, ...(e.system === null ? [] : [e.system]), ...(e.name === null ? [] : [e.name])].join('.');
    out.push({
      category: e.category,
      name: e.name,
      system: e.system,
      attr,
      static: false,
      file: pattern?.file ?? null,
      line: pattern?.decl.line ?? null,
      evaluation: 'eval-only',
      eval_type: e.type,
    });
  }
  return out;
}
