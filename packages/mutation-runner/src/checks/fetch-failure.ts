import { stripAnsi } from '@autopoietic/core/adapters';
import { builderFailureAt } from './builder-failure.js';

const HINT =
  'the network (or that host) cannot be reached from here, so no verdict: fetch it where the network is available ' +
  '(nix flake archive fills the store), or point the input at a local path';

/**
 * Tells a Nix command that stopped because it could not fetch something (a flake input, the
 * flake registry, a tarball) apart from one that evaluated or built and failed. Offline, a flake
 * with a github: input ends with "unable to download 'https://api.github.com/…': Couldn't
 * resolve host name": that says nothing about the proposal, so the gate has no verdict (`error`)
 * and must name the fetch, not reject the change. Only the error Nix stopped on counts (the last
 * top-level `error:` and what is indented under it), so a warning about an unreachable cache or
 * a fetch retried and then succeeded does not turn a real failure into an error. An HTTP 4xx is
 * an answer (the URL is wrong), not a network problem, and stays a failure.
 */
export function fetchFailure(stderr: string): string | undefined {
  const raw = stripAnsi(stderr).split('\n').map((l) => l.trimEnd());
  const lines = raw.map((l) => l.trim());
  // The error Nix stopped on: its last top-level `error:` line, and under it (Nix >= 2.13) the
  // indented trace, "… while fetching the input 'X'" and the nested "error: unable to …".
  const top = lastIndex(raw, (l) => l.startsWith('error:'));
  if (top < 0) return undefined;
  // Several derivations were built and some failed: Nix ends on "build of 'A', 'B' failed".
  if (/^error: build of '.*' failed$/.test(lines[top]!)) return everyBuilderOffline(raw.slice(0, top), lines.slice(0, top));
  const input = lines.slice(top).map((l) => /while fetching the input '([^']+)'/.exec(l)?.[1]).find((x) => x !== undefined);
  for (let i = top; i < lines.length; i++) {
    const line = lines[i]!;
    const download = unableToDownload(line);
    if (download) return isClientAnswer(download[1]) ? undefined : describe(download[0], download[1], input);
    const builder = builderFailureAt(lines, i);
    if (builder) return fetcherFailure(builder.drv, lines.slice(builder.next));
    if (/^error: program 'git' failed/.test(line)) return gitFailure(lines.slice(Math.max(0, i - 8), i), input);
    // Nix >= 2.20 fetches git with libgit2 after `git fetch`: when that fetch fails, git's reason
    // is printed before the error block and Nix stops on the ref or rev it then cannot find
    // (2.26), or on "Failed to fetch git repository 'URL'" (2.34).
    if (/^error: (resolving Git reference '|Cannot find Git revision '|Failed to fetch git repository ')/.test(line)) return gitFailure(lines.slice(0, top), input);
  }
  return undefined;
}

/**
 * The reason when every builder that failed (each has its own top-level builder failure,
 * builder-failure.ts, before Nix's summary) failed on the network; undefined when any failed for its own reasons,
 * which is an answer about the proposal. A flake with two checks ended on the summary even
 * when its only failure was an offline fetcher, and was rejected for it.
 */
function everyBuilderOffline(raw: readonly string[], lines: readonly string[]): string | undefined {
  const starts = raw.flatMap((l, i) => (l.startsWith('error:') ? [i] : []));
  let first: string | undefined;
  for (const [k, i] of starts.entries()) {
    const builder = builderFailureAt(lines, i);
    if (!builder) continue;
    const reason = fetcherFailure(builder.drv, lines.slice(builder.next, starts[k + 1] ?? lines.length));
    if (!reason) return undefined;
    first ??= reason;
  }
  return first;
}

/** git's own reason, printed just before Nix's "program 'git' failed". */
function gitFailure(before: readonly string[], input: string | undefined): string | undefined {
  for (const line of [...before].reverse()) {
    const access = /^fatal: unable to access '([^']*)': (.*)$/.exec(line);
    if (access) return /returned error: 4\d\d/.test(access[2]!) ? undefined : describe(access[1]!, access[2]!, input);
    const ssh = /^ssh: (Could not resolve hostname ([^:]+)|connect to host (\S+) port \d+): (.*)$/.exec(line);
    if (ssh) return describe(`ssh://${ssh[2] ?? ssh[3]}`, ssh[4]!, input);
  }
  return undefined;
}

/**
 * A fetcher derivation (builtin:fetchurl, fetchurl's curl, fetchgit's git) that failed on the
 * network: Nix quotes the build's last log lines after the lines that name the failure
 * ("builder for …", or "Cannot build …" and its "Reason:"), each as `> …`.
 */
function fetcherFailure(drv: string, after: readonly string[]): string | undefined {
  for (const raw of after) {
    // Nix >= 2.13 nests the builder's own error under an `error:` line, indented inside the log.
    const line = raw.replace(/^\s*> ?/, '').trim();
    const git = /^fatal: unable to access '([^']*)': (.*)$/.exec(line);
    const m = unableToDownload(line) ?? (git ? ([git[1]!, git[2]!] as const) : undefined);
    if (m && !isClientAnswer(m[1]) && !/returned error: 4\d\d/.test(m[1])) return `${describe(m[0], m[1])} (building ${drv})`;
    // curl's own exit codes for no network: 6 (host not resolved), 7 (no connection), 28 (timeout).
    const curl = /^curl: \((?:6|7|28)\) (.*)$/.exec(line);
    if (curl) return `cannot fetch the sources of ${drv}: ${curl[1]!.trim()}; ${HINT}`;
  }
  return undefined;
}

/**
 * The URL and curl's reason of Nix's "unable to download" error: bare (Nix 2.8, and file
 * downloads since), or wrapped by the libarchive reader of a tarball input (Nix >= 2.24):
 * "Failed to open archive (Source threw exception: error: unable to download 'URL': WHY)".
 */
function unableToDownload(line: string): readonly [url: string, why: string] | undefined {
  const m = /^error: unable to download '([^']*)': (.*)$/.exec(line) ?? /^error: Failed to open archive \(Source threw exception: error: unable to download '([^']*)': (.*)\)$/.exec(line);
  return m ? [m[1]!, m[2]!] : undefined;
}

function describe(url: string, why: string, named?: string): string {
  const input = named ?? githubInput(url);
  return `cannot fetch '${url}'${input ? ` (input ${input})` : ''}: ${why.replace(/\s+/g, ' ').trim()}; ${HINT}`;
}

/** `github:OWNER/REPO`, the spelling a flake.nix uses, for GitHub's API and archive URLs. */
function githubInput(url: string): string | undefined {
  const m = /^https:\/\/(?:api\.github\.com\/repos|github\.com)\/([^/]+)\/([^/]+)\//.exec(url);
  return m ? `github:${m[1]}/${m[2]}` : undefined;
}

/** curl's "HTTP error 404 (22)": the server answered that the thing is not there. */
function isClientAnswer(why: string): boolean {
  return /HTTP error 4\d\d\b/.test(why);
}

function lastIndex<T>(items: readonly T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i]!)) return i;
  return -1;
}
