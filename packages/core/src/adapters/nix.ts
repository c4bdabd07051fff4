import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { AosError } from '../cli-kit/errors.js';
import { captureCommand, cleanEnv, describeOutcome, succeeded, type CommandResult } from './exec.js';

/**
 * Nix, driven from the command line with the user's configuration as it is (substituters,
 * builders, sandbox). We add only what a command needs: the experimental features as flags, and
 * the operator's pass-through `--option NAME VALUE` / `--builders SPEC`. The version is detected
 * once, and commands adapt to it (Nix 2.8 has no `--print-out-paths`; `nix show-config` became
 * `nix config show` in 2.20; `nix flake check` checks only this machine's system unless given
 * `--all-systems`, which Nix 2.8 does not have). docs/nix.md says which versions are tested.
 */
export interface NixInfo {
  available: boolean;
  /** `2.8.0`, or null when nix could not be run. */
  version: string | null;
  /** Why nix is unavailable (spawn error or unexpected output). */
  problem?: string;
  /** `nix build --print-out-paths` exists (2.9+); otherwise parse `--json`. */
  printOutPaths: boolean;
  /** The subcommand that prints the configuration as JSON. */
  configShow: string[];
  /**
   * `nix flake check` takes `--all-systems`. The Nix versions that have it check only the outputs
   * of this machine's system without it (with a warning), where Nix 2.8 evaluates every system's:
   * the same proposal would pass P1 on one and be rejected on the other.
   */
  flakeCheckAllSystems: boolean;
}

export interface NixPassThrough {
  /** `--option NAME VALUE` pairs, in order. */
  options?: Array<[string, string]>;
  /** `--builders SPEC`. */
  builders?: string;
}

export const NIX_FEATURE_FLAGS = ['--extra-experimental-features', 'nix-command flakes'] as const;

let cached: Promise<NixInfo> | undefined;

/** Detects the installed Nix once per process. Never throws: a missing nix is `available: false`. */
export function nixInfo(env: NodeJS.ProcessEnv = cleanEnv()): Promise<NixInfo> {
  cached ??= detect(env);
  return cached;
}

/** Forgets the detected Nix (tests that change PATH). */
export function resetNixInfo(): void {
  cached = undefined;
}

async function detect(env: NodeJS.ProcessEnv): Promise<NixInfo> {
  const r = await captureCommand({ command: 'nix', args: ['--version'], cwd: '/', env, timeoutMs: 30_000 });
  if (!succeeded(r)) return unavailable(describeOutcome(r));
  return parseNixVersion(r.stdoutFull.toString('utf8'));
}

function unavailable(problem: string): NixInfo {
  return { available: false, version: null, problem, printOutPaths: false, configShow: ['show-config'], flakeCheckAllSystems: false };
}

/** `version` (as `parseNixVersion` found it) is at least `major.minor`. */
export function versionAtLeast(version: string | null, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  return Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

/**
 * Interprets `nix --version` output such as `nix (Nix) 2.8.0` or `nix (Nix) 2.24.10pre`. The
 * version is the last one on the first line: `nix (Determinate Nix 3.6.2) 2.29.0` is Nix 2.29.
 */
export function parseNixVersion(text: string): NixInfo {
  const m = [...(text.split('\n')[0] ?? '').matchAll(/\b(\d+)\.(\d+)(?:\.(\d+))?[^\s]*/g)].pop();
  if (!m) return unavailable(`unrecognised nix --version output: ${text.trim()}`);
  const version = m[0];
  return {
    available: true,
    version,
    printOutPaths: versionAtLeast(version, 2, 9),
    configShow: versionAtLeast(version, 2, 20) ? ['config', 'show'] : ['show-config'],
    // Nix 2.16 (NixOS/nix#7759) made `nix flake check` skip other systems and added the flag
    // together: a Nix without the flag checks every system anyway.
    flakeCheckAllSystems: versionAtLeast(version, 2, 16),
  };
}

/**
 * Why Nix cannot open its store for this user (`nix store ping`), or undefined: a non-root user of
 * a single-user install, or one without access to the daemon's socket. Every Nix check would then
 * fail the same way, which reads as the proposal failing. A missing nix is left to `nixInfo`.
 */
export async function nixStoreProblem(pass: NixPassThrough = {}, env: NodeJS.ProcessEnv = cleanEnv()): Promise<string | undefined> {
  const probe = (sub: string) => captureCommand({ command: 'nix', args: [...nixCommonArgs(pass), 'store', sub], cwd: '/', env, timeoutMs: 60_000 });
  let r = await probe('ping');
  // Nix 2.19 renamed `store ping` to `store info` (keeping the old name as an alias for now): a
  // Nix without it must not read as a store this user cannot open.
  if (unknownCommand(r)) r = await probe('info');
  if (succeeded(r) || r.outcome === 'spawn-failed' || unknownCommand(r)) return undefined;
  const err = r.stderr.split('\n').filter((l) => /error:/.test(l)).pop()?.trim() ?? describeOutcome(r);
  const uid = process.getuid?.();
  return `Nix cannot open its store as this user${uid === undefined ? '' : ` (uid ${uid})`}: ${err}; run as a user that may use Nix (root with a single-user install, or a user the nix-daemon allows, with the daemon running)`;
}

/** Flags every `nix` call of ours starts with. */
export function nixCommonArgs(pass: NixPassThrough = {}): string[] {
  const args: string[] = [...NIX_FEATURE_FLAGS];
  for (const [name, value] of pass.options ?? []) args.push('--option', name, value);
  if (pass.builders !== undefined) args.push('--builders', pass.builders);
  return args;
}

/**
 * Why Nix cannot take the directory `path` as a flake, or undefined. Nix 2.8 reads a flake path
 * as the path of a URL: a character outside [A-Za-z0-9-._~!$&'"()*+,;=/] makes it "not a valid
 * URL" (a space, any non-ASCII letter, %, @, :), and # or ? cut it short; no other spelling
 * (path:, file://, percent-encoding, a relative path) gets past that.
 */
export function flakePathProblem(path: string): string | undefined {
  const bad = [...new Set(path.match(/[^A-Za-z0-9\-._~!$&'"()*+,;=/]/gu) ?? [])];
  if (!bad.length) return undefined;
  const shown = bad.map((c) => (/^[\p{L}\p{N}\p{P}\p{S} ]$/u.test(c) ? `'${c}'` : JSON.stringify(c)));
  const list = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : shown[0];
  return `Nix cannot use a flake at a path containing ${list} (it reads a flake path as a URL)`;
}

/**
 * `nix flake check` of a flake, never writing its lock file. It checks the outputs of every
 * system, as Nix 2.8 does, wherever the detected Nix would otherwise skip the others (the Nix
 * info is required, not optional: verify once called this without it, and current Nix then
 * passed proposals that broke another system's checks).
 */
export function flakeCheckArgs(info: NixInfo, flakeRef: string, pass: NixPassThrough = {}, extra: readonly string[] = []): string[] {
  const all = info.flakeCheckAllSystems && !extra.includes('--all-systems') ? ['--all-systems'] : [];
  return [...nixCommonArgs(pass), 'flake', 'check', '--no-write-lock-file', ...all, ...extra, flakeRef];
}

/** `nix build` of one installable without a result link; the out paths come from `--print-out-paths` or `--json`. */
export function buildArgs(info: NixInfo, installable: string, pass: NixPassThrough = {}, extra: readonly string[] = []): string[] {
  const out = info.printOutPaths ? '--print-out-paths' : '--json';
  return [...nixCommonArgs(pass), 'build', '--no-link', '--no-write-lock-file', out, ...extra, installable];
}

/** Store paths printed by `nix build` in the mode `buildArgs` chose. */
export function parseBuildOutPaths(info: NixInfo, stdout: string): string[] {
  if (info.printOutPaths) {
    return stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/'));
  }
  const text = stdout.trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new AosError('nix-output', `nix build --json printed something that is not JSON: ${text.slice(0, 200)}`, { cause: e });
  }
  const paths: string[] = [];
  for (const item of Array.isArray(parsed) ? parsed : []) {
    const outputs = (item as { outputs?: Record<string, unknown> }).outputs ?? {};
    for (const p of Object.values(outputs)) if (typeof p === 'string') paths.push(p);
  }
  return paths;
}

/** `nix eval --json` output as a value, or why it is not JSON (Nix, or a wrapper, misbehaving: no answer). */
export function readEvalJson(stdout: Buffer | undefined): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse((stdout ?? Buffer.alloc(0)).toString('utf8')) };
  } catch (e) {
    return { problem: `unreadable nix eval output: ${(e as Error).message}` };
  }
}

/** `nix eval --json <installable> [--apply FN]`. */
export function evalJsonArgs(installable: string, pass: NixPassThrough = {}, apply?: string): string[] {
  return [...nixCommonArgs(pass), 'eval', '--json', '--no-write-lock-file', ...(apply ? ['--apply', apply] : []), installable];
}

/**
 * Runs `nix eval --json` and parses the result. Nix may print partial JSON before an error, so
 * the exit status is checked before parsing.
 */
export async function nixEvalJson(opts: { cwd: string; installable: string; apply?: string; pass?: NixPassThrough; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<unknown> {
  const r = await captureCommand({
    command: 'nix',
    args: evalJsonArgs(opts.installable, opts.pass, opts.apply),
    cwd: opts.cwd,
    env: opts.env ?? cleanEnv(),
    timeoutMs: opts.timeoutMs ?? 300_000,
  });
  if (!succeeded(r)) {
    throw new AosError('nix-eval-failed', `nix eval ${opts.installable} failed: ${describeOutcome(r)}: ${lastLines(r.stderr, 6)}`, {
      hint: 'Run the same nix eval in the candidate to see the full error (add --show-trace).',
      details: { outcome: r.outcome, exit_code: r.exitCode, stderr: r.stderr },
    });
  }
  return nixJson(r.stdoutFull, `nix eval ${opts.installable}`);
}

/**
 * JSON that Nix printed on stdout. A wrapper or a plugin that prints anything else there (a
 * banner, a warning) would otherwise surface as a bare SyntaxError, read as a bug of ours.
 */
function nixJson(stdout: Buffer, what: string): unknown {
  const text = stdout.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AosError('nix-output-not-json', `${what} exited 0 but did not print JSON (${(e as Error).message}): ${JSON.stringify(text.slice(0, 200))}`, {
      hint: 'Check which `nix` is first on PATH (`command -v nix`, `nix --version`): a wrapper around it must not print on stdout.',
    });
  }
}

/** The effective Nix configuration (`nix show-config --json` / `nix config show --json`): name -> value. */
export async function nixConfig(info: NixInfo, opts: { pass?: NixPassThrough; env?: NodeJS.ProcessEnv } = {}): Promise<Record<string, unknown>> {
  const show = (subcommand: string[]) =>
    captureCommand({ command: 'nix', args: [...nixCommonArgs(opts.pass), ...subcommand, '--json'], cwd: '/', env: opts.env ?? cleanEnv(), timeoutMs: 60_000 });
  let r = await show(info.configShow);
  // The version number does not always tell the spelling: Lix (2.90 and up) took its commands
  // from Nix 2.18, before `show-config` became `config show`. Nix names an unknown command.
  if (unknownCommand(r)) r = await show(otherConfigShow(info.configShow));
  if (!succeeded(r)) {
    throw new AosError('nix-config-failed', `cannot read the Nix configuration: ${describeOutcome(r)}: ${lastLines(r.stderr, 4)}`, {
      hint: `Check that \`nix ${info.configShow.join(' ')} --json\` works for this user.`,
    });
  }
  const raw = nixJson(r.stdoutFull, `nix ${info.configShow.join(' ')} --json`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AosError('nix-output-not-json', 'nix printed its configuration as something other than a JSON object', {
      hint: 'Check which `nix` is first on PATH (`command -v nix`, `nix --version`).',
    });
  }
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) config[k] = v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
  return config;
}

/** Nix exited naming the (sub)command as one it does not have (its wording since 2.4). */
function unknownCommand(r: CommandResult): boolean {
  return r.outcome === 'exited' && r.exitCode !== 0 && /is not a recognised command/.test(r.stderr);
}

function otherConfigShow(spelling: string[]): string[] {
  return spelling[0] === 'config' ? ['show-config'] : ['config', 'show'];
}

/** A setting that Nix may render as a list or as a space-separated string. */
export function configList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/\s+/).filter((s) => s !== '');
  return [];
}

/**
 * The remote builders a `builders` setting names (`@file` is read), one spec per entry. An
 * unreadable `@file` counts as none, as Nix does.
 */
export function builderSpecs(value: unknown): string[] {
  const text = typeof value === 'string' ? value : '';
  const specs: string[] = [];
  for (const part of text.split(/[;\n]/)) {
    const s = part.trim();
    if (s === '' || s.startsWith('#')) continue;
    if (s.startsWith('@')) {
      const file = s.slice(1);
      if (existsSync(file)) specs.push(...builderSpecs(readFileSync(file, 'utf8')));
      continue;
    }
    specs.push(s);
  }
  return specs;
}

/** Whether this process can open a KVM device read-write (what Nix's `kvm` feature really needs). */
export function kvmUsable(device = '/dev/kvm'): boolean {
  try {
    closeSync(openSync(device, constants.O_RDWR));
    return true;
  } catch {
    return false;
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
