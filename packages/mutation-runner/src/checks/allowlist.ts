import type { ExpectedCheck } from '@autopoietic/core/schemas';
import { relativePathProblem } from '../patch/rules.js';

/**
 * The vocabulary of checks a proposal may ask for (pure). A proposal is untrusted, so these are
 * the only shapes allowed, and the whole list is validated before any check runs:
 *   true | false                              (no arguments)
 *   test ARGS...                              every argument a relative path (flags pass)
 *   nix flake check [--no-build|--keep-going|--show-trace] [.]
 *   nix build .#ATTR [--keep-going|--show-trace]
 *   nix eval .#ATTR [--json|--raw|--show-trace]
 *   nix-instantiate (--eval [--strict] [--json] | --parse) FILE.nix
 * `.#ATTR` names an attribute of the candidate flake; FILE.nix is relative, inside the candidate.
 */
export type AllowedShape =
  | { kind: 'plain' }
  | { kind: 'nix-flake-check'; flags: string[] }
  | { kind: 'nix-build'; attr: string; flags: string[] }
  | { kind: 'nix-eval'; attr: string; flags: string[] }
  | { kind: 'nix-instantiate'; file: string; flags: string[] };

export type AllowlistVerdict = { ok: true; shape: AllowedShape } | { ok: false; reason: string };

const ATTR_PATH = /^[A-Za-z_][A-Za-z0-9_'-]*(\.[A-Za-z_][A-Za-z0-9_'-]*)*$/;

export function classifyCheck(check: ExpectedCheck): AllowlistVerdict {
  const args = check.args ?? [];
  const refuse = (why?: string): AllowlistVerdict => ({
    ok: false,
    reason: `check ${JSON.stringify(check.name)}: command '${[check.command, ...args].join(' ')}' is not allowed in P1 offline verification${why ? `: ${why}` : ''}`,
  });
  switch (check.command) {
    case 'true':
    case 'false':
      return args.length === 0 ? { ok: true, shape: { kind: 'plain' } } : refuse(`${check.command} takes no arguments`);
    case 'test': {
      // Operators such as -f, ! or = are relative "paths" too; absolute paths and .. are not.
      const bad = args.find((a) => relativePathProblem(a) !== undefined);
      // The rule's own words: `./x` is inside the candidate, it is just not written normalized.
      return bad === undefined ? { ok: true, shape: { kind: 'plain' } } : refuse(`argument ${JSON.stringify(bad)} ${relativePathProblem(bad)} (write paths relative to the genome root, without ./ or ..)`);
    }
    case 'nix':
      return classifyNix(args, refuse);
    case 'nix-instantiate':
      return classifyInstantiate(args, refuse);
    default:
      return refuse();
  }
}

function classifyNix(args: string[], refuse: (why?: string) => AllowlistVerdict): AllowlistVerdict {
  const [sub, ...rest] = args;
  if (sub === 'flake' && rest[0] === 'check') {
    const tail = rest.slice(1).filter((a) => a !== '.');
    const bad = tail.find((a) => !['--no-build', '--keep-going', '--show-trace'].includes(a));
    return bad === undefined ? { ok: true, shape: { kind: 'nix-flake-check', flags: tail } } : refuse(`flake check option ${JSON.stringify(bad)} is not allowed`);
  }
  if (sub === 'build' || sub === 'eval') {
    const allowedFlags = sub === 'build' ? ['--keep-going', '--show-trace'] : ['--json', '--raw', '--show-trace'];
    const targets = rest.filter((a) => !a.startsWith('-'));
    const bad = rest.find((a) => a.startsWith('-') && !allowedFlags.includes(a));
    if (bad !== undefined) return refuse(`option ${JSON.stringify(bad)} is not allowed`);
    if (targets.length !== 1) return refuse(`give exactly one attribute of the candidate flake, like .#checks.x86_64-linux.name`);
    const attr = flakeAttr(targets[0]!);
    if (attr === undefined) return refuse(`${JSON.stringify(targets[0])} is not an attribute of the candidate flake (write .#attr.path)`);
    const flags = rest.filter((a) => a.startsWith('-'));
    return { ok: true, shape: sub === 'build' ? { kind: 'nix-build', attr, flags } : { kind: 'nix-eval', attr, flags } };
  }
  return refuse('only nix flake check, nix build .#ATTR and nix eval .#ATTR are allowed');
}

function classifyInstantiate(args: string[], refuse: (why?: string) => AllowlistVerdict): AllowlistVerdict {
  const modes = args.filter((a) => a === '--eval' || a === '--parse');
  if (modes.length !== 1) return refuse('give exactly one of --eval or --parse');
  const flags = args.filter((a) => a.startsWith('-'));
  const allowed = modes[0] === '--eval' ? ['--eval', '--strict', '--json'] : ['--parse'];
  const bad = flags.find((a) => !allowed.includes(a));
  if (bad !== undefined) return refuse(`option ${JSON.stringify(bad)} is not allowed with ${modes[0]}`);
  const files = args.filter((a) => !a.startsWith('-'));
  if (files.length !== 1) return refuse('give exactly one .nix file');
  const file = files[0]!;
  const problem = relativePathProblem(file);
  if (problem) return refuse(`file ${JSON.stringify(file)} ${problem}`);
  if (!file.endsWith('.nix')) return refuse(`file ${JSON.stringify(file)} is not a .nix file`);
  return { ok: true, shape: { kind: 'nix-instantiate', file, flags } };
}

/** `.#a.b` -> `a.b`; anything else (other flakes, paths, URLs, `--expr`) -> undefined. */
function flakeAttr(target: string): string | undefined {
  if (!target.startsWith('.#')) return undefined;
  const attr = target.slice(2);
  return ATTR_PATH.test(attr) ? attr : undefined;
}

/** Nix attribute-name syntax for one name (VM checks, target configurations). */
export function isAttrName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name);
}
