import { describe, expect, it } from 'vitest';
import { builderFailureAt, builderFailures } from './builder-failure.js';

const lines = (text: string) => text.split('\n').map((l) => l.trim());

// Current Nix's block (NixOS/nix derivation-building-goal.cc, fixupBuilderFailureErrorMessage),
// colours removed: the derivation on the first line, the reason on the next.
const CURRENT = lines(
  [
    "error: Cannot build '/nix/store/vx8w-seed-machine.drv'.",
    '       Reason: builder failed due to signal 9 (Killed).',
    '       Output paths:',
    '         /nix/store/smgd-seed-machine',
    '       Last 1 log lines:',
    '       > dying',
    '       For full logs, run:',
    '         nix log /nix/store/vx8w-seed-machine.drv',
  ].join('\n'),
);

describe('builderFailureAt', () => {
  it("reads Nix 2.8's one-line spelling: exit code or signal, and where its log lines start", () => {
    expect(builderFailureAt(["error: builder for '/nix/store/a-x.drv' failed with exit code 3;"], 0)).toEqual({ drv: '/nix/store/a-x.drv', exitCode: 3, signal: null, next: 1 });
    expect(builderFailureAt(['x', "error: builder for '/nix/store/a-x.drv' failed due to signal 9 (Killed);"], 1)).toEqual({ drv: '/nix/store/a-x.drv', exitCode: null, signal: { number: 9, name: 'Killed' }, next: 2 });
  });

  it("reads current Nix's two-line spelling ('Cannot build', then 'Reason: builder failed ...')", () => {
    expect(builderFailureAt(CURRENT, 0)).toEqual({ drv: '/nix/store/vx8w-seed-machine.drv', exitCode: null, signal: { number: 9, name: 'Killed' }, next: 2 });
    const exited = lines("error: Cannot build '/nix/store/b-y.drv'.\n       Reason: builder failed with exit code 1.");
    expect(builderFailureAt(exited, 0)).toMatchObject({ drv: '/nix/store/b-y.drv', exitCode: 1, signal: null });
  });

  it("reads it after the attribute nix flake check (2.34) names first, on the same line", () => {
    const check = lines(
      "error: failed to build attribute 'checks.x86_64-linux.seed-machine', build of '/nix/store/0h7f-seed-machine.drv^*' failed: Cannot build '/nix/store/0h7f-seed-machine.drv'.\n       Reason: builder failed with exit code 1.",
    );
    expect(builderFailureAt(check, 0)).toMatchObject({ drv: '/nix/store/0h7f-seed-machine.drv', exitCode: 1, signal: null, next: 2 });
  });

  it('is nothing for a derivation whose dependencies failed, or for any other line', () => {
    expect(builderFailureAt(lines("error: Cannot build '/nix/store/c-z.drv'.\n       Reason: 1 dependency failed."), 0)).toBeUndefined();
    expect(builderFailureAt(CURRENT, 1)).toBeUndefined();
    expect(builderFailureAt(["error: build of '/nix/store/a-x.drv' failed"], 0)).toBeUndefined();
    expect(builderFailureAt(["error: Cannot build '/nix/store/c-z.drv'."], 0)).toBeUndefined();
  });

  it('finds every failure, in order', () => {
    const both = [...lines("error: builder for '/nix/store/a-x.drv' failed with exit code 2;"), ...CURRENT];
    expect(builderFailures(both).map((f) => f.drv)).toEqual(['/nix/store/a-x.drv', '/nix/store/vx8w-seed-machine.drv']);
  });
});
