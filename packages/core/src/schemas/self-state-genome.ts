import { z } from 'zod';
import { Sha256, Timestamp } from './common.js';
import { OrganType } from './organ.js';

/** The genome half of the self-state: the Nix source read as structure (docs/self-state.md). */

const Line = z.int().min(1);

export const PARSE_STATUSES = ['ok', 'syntax-error', 'unreadable', 'not-text', 'too-large'] as const;

export const SyntaxDiagnosticEntry = z.strictObject({
  /** `path:line:col`, ready to paste into an editor. */
  location: z.string(),
  line: Line,
  col: Line,
  message: z.string(),
  /** Who reported it: the tree-sitter grammar, or Nix's own parser (`nix-instantiate --parse`). */
  origin: z.enum(['tree-sitter', 'nix-instantiate']),
});

export const NixFileEntry = z.strictObject({
  path: z.string(),
  bytes: z.int().min(0),
  sha256: Sha256.nullable(),
  /** Served from the content-digest cache (not parsed in this run). */
  cached: z.boolean(),
  parse: z.strictObject({
    status: z.enum(PARSE_STATUSES),
    reason: z.string().optional(),
    diagnostics: z.array(SyntaxDiagnosticEntry),
    /** What real Nix accepts that needs saying: the trailing-comma gap, other grammar gaps tree-sitter flagged, bytes that are not UTF-8. */
    benign: z.array(z.strictObject({ line: Line, col: Line, kind: z.enum(['trailing-comma-in-formals', 'tree-sitter-only', 'not-utf-8']), message: z.string() })),
    /** For tree-sitter errors: did `nix-instantiate --parse` agree? */
    confirmation: z
      .strictObject({
        status: z.enum(['confirmed', 'not-confirmed', 'unavailable']),
        tool: z.literal('nix-instantiate --parse'),
        detail: z.string().optional(),
      })
      .optional(),
  }),
});

export const OptionEntry = z.strictObject({
  path: z.string(),
  declared_with: z.enum(['mkOption', 'mkEnableOption', 'mkPackageOption']),
  type: z.string().nullable(),
  default: z.string().nullable(),
  description: z.string().nullable(),
  example: z.string().nullable(),
  default_value: z.json().optional(),
  description_value: z.string().optional(),
  line: Line,
});

/**
 * A value under `options.` declaring options, or under `config` setting attributes, that only
 * evaluation can list (genAttrs, a helper, an import, an update with a set not written out).
 */
export const ComputedEntry = z.strictObject({
  /** Where under `options.` (or `config`); empty when all of it is computed. */
  path: z.string(),
  /** Source text of the value (clipped). */
  expr: z.string(),
  line: Line,
});

export const ConfigEntry = z.strictObject({
  path: z.string(),
  line: Line,
  conditional: z.boolean(),
  /** The value as JSON when it is a Nix literal. */
  literal: z.json().optional(),
});

export const ImportEntry = z.strictObject({
  expr: z.string(),
  line: Line,
  /** file: a file of the genome; missing: points into the genome but nothing is there; external/dynamic: not followed. */
  status: z.enum(['file', 'missing', 'external', 'dynamic']),
  target: z.string().nullable(),
});

export const ModuleEntry = z.strictObject({
  path: z.string(),
  form: z.enum(['function', 'attrset']),
  options: z.array(OptionEntry),
  /** Present when some options are computed (absent: every declaration under `options.` was read). */
  computed_options: z.array(ComputedEntry).optional(),
  config: z.array(ConfigEntry),
  /** Present when some config is computed (absent: every value under `config` was read). */
  computed_config: z.array(ComputedEntry).optional(),
  imports: z.array(ImportEntry),
});

export const OUTPUT_EVALUATION = ['evaluated', 'parsed-only', 'eval-only', 'not-evaluated'] as const;

export const FlakeOutputEntry = z.strictObject({
  category: z.string(),
  name: z.string().nullable(),
  system: z.string().nullable(),
  attr: z.string(),
  static: z.boolean(),
  file: z.string().nullable(),
  line: Line.nullable(),
  value_path: z.string().optional(),
  /** For names computed from `builtins.readDir <dir>`: the directory as written (its entries are the names only evaluation lists). */
  read_dir: z.string().optional(),
  /** evaluated: parsed and seen by `nix flake show`; parsed-only: not seen there; eval-only: only evaluation lists it. */
  evaluation: z.enum(OUTPUT_EVALUATION),
  eval_type: z.string().optional(),
});

export const LockedFields = {
  type: z.string().nullable(),
  owner: z.string().optional(),
  repo: z.string().optional(),
  url: z.string().optional(),
  ref: z.string().optional(),
  rev: z.string().optional(),
  nar_hash: z.string().optional(),
  last_modified: z.int().optional(),
  last_modified_at: Timestamp.optional(),
};

export const LockEdge = z.strictObject({
  input: z.string(),
  /** The node this input resolves to (after following `follows`), null if it cannot be resolved. */
  to: z.string().nullable(),
  /** `a/b` when the input is declared as `follows`. */
  follows: z.string().optional(),
});

export const DirectInput = z.strictObject({
  name: z.string(),
  /** The lock node it resolves to (for a `follows` input: the node followed); null if dangling. */
  node: z.string().nullable(),
  follows: z.string().optional(),
  declared_url: z.string().optional(),
  ...LockedFields,
  /** The node's own inputs, with their follows edges. */
  inputs: z.array(LockEdge),
});

export const TransitiveInput = z.strictObject({ node: z.string(), ...LockedFields, inputs: z.array(LockEdge) });

export const HostEntry = z.strictObject({
  name: z.string(),
  source: z.enum(['flake', 'convention']),
  file: z.string(),
  line: Line.nullable(),
  system: z.string().nullable(),
  modules: z.array(z.string()),
  external_modules: z.array(z.string()),
  modules_static: z.boolean(),
  /** Every module file of the host: its modules and what they import. */
  closure: z.array(z.string()),
  identity: z.strictObject({
    host: z.string().nullable(),
    roles: z.array(z.string()).nullable(),
    /** `file:line` of each value found. */
    host_at: z.string().optional(),
    roles_at: z.string().optional(),
  }),
});

export const GenomeOrgan = z.strictObject({
  name: z.string(),
  type: OrganType,
  /** Path of its source relative to the genome root (what the organ registry records). */
  source: z.string(),
  line: Line.nullable(),
  detected_by: z.string(),
});

/**
 * A file Home Manager reads as a module: handed over (`home-manager.users.<u>`, `sharedModules`,
 * a `homeModules` output) or imported, directly or not, from one that is.
 */
export const HomeManagerModuleEntry = z.strictObject({
  path: z.string(),
  /** `home-manager`: reached only from Home Manager modules; `both`: NixOS modules import it too. */
  class: z.enum(['home-manager', 'both']),
  /** The handover it is reached from first: `home-manager.users.alice at modules/home.nix:9`. */
  via: z.string(),
});

export const GenomeState = z.strictObject({
  root: z.string(),
  has_flake: z.boolean(),
  has_lock: z.boolean(),
  description: z.string().nullable(),
  lock: z.strictObject({ present: z.boolean(), version: z.int().nullable(), error: z.string().optional() }),
  inputs: z.array(DirectInput),
  transitive_inputs: z.array(TransitiveInput),
  outputs: z.array(FlakeOutputEntry),
  outputs_eval: z.strictObject({
    requested: z.boolean(),
    available: z.boolean(),
    reason: z.string().optional(),
    command: z.string().optional(),
  }),
  hosts: z.array(HostEntry),
  nix_files: z.array(NixFileEntry),
  modules: z.array(ModuleEntry),
  import_graph: z.array(z.strictObject({ from: z.string(), to: z.string(), line: Line })),
  home_manager_modules: z.array(HomeManagerModuleEntry),
  organs: z.array(GenomeOrgan),
  skipped: z.array(z.strictObject({ path: z.string(), reason: z.string() })),
  parse_stats: z.strictObject({
    files: z.int().min(0),
    parsed: z.int().min(0),
    cache_hits: z.int().min(0),
    syntax_errors: z.int().min(0),
    workers: z.int().min(0),
    duration_ms: z.number().min(0),
    cache: z.strictObject({ enabled: z.boolean(), dir: z.string().nullable(), reason: z.string().optional() }),
  }),
});
export type GenomeState = z.infer<typeof GenomeState>;
