import { execFileSync } from 'node:child_process';

/**
 * The one place where the test suite configures Nix: no substituters (the binary cache is
 * unreachable here), no flake registry, one download attempt and short timeouts, so that a test
 * never waits on a network it cannot reach. The product itself uses the user's Nix configuration
 * as it is; only tests set this.
 */
export const TEST_NIX_CONFIG = [
  'substituters =',
  'experimental-features = nix-command flakes',
  'flake-registry =',
  'download-attempts = 1',
  'connect-timeout = 1',
  'stalled-download-timeout = 1',
  'warn-dirty = false',
].join('\n');

/** Environment for child processes in tests (CLIs and raw nix calls alike). */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NIX_CONFIG: TEST_NIX_CONFIG,
    AUTOPOIETIC_LOG_LEVEL: process.env.AUTOPOIETIC_LOG_LEVEL ?? 'warn',
    // Never read the machine's real host policy in tests unless a test points here on purpose.
    AUTOPOIETIC_ETC_DIR: '/nonexistent/autopoietic-test-etc',
    ...extra,
  };
}

// Apply to this test process too, so in-process calls into core's Nix adapter behave the same.
process.env.NIX_CONFIG = TEST_NIX_CONFIG;

/**
 * Nix's own verdict on a source (`nix-instantiate --parse -`): null when it parses, else its first
 * error line. Here, so that a test asking it imports this file (the Nix package's checkPhase
 * leaves out the tests that do: its sandbox has no Nix store).
 */
export function nixParseVerdict(source: string): string | null {
  try {
    execFileSync('nix-instantiate', ['--parse', '-'], { input: source, env: testEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
    return null;
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e).split('\n')[0]!;
  }
}
