import { describe, expect, it } from 'vitest';
import { nixMachineFailure } from './machine-failure.js';

// Nix 2.8's own words (captured from real builds), not paraphrases.
const KILLED = [
  "building '/nix/store/crfxpvdvlqrksv8qmwmydrv2i4d7q2kd-seed-oom.drv'...",
  "error: builder for '/nix/store/crfxpvdvlqrksv8qmwmydrv2i4d7q2kd-seed-oom.drv' failed due to signal 9 (Killed);",
  '       last 1 log lines:',
  '       > dying',
  "       For full logs, run 'nix log /nix/store/crfxpvdvlqrksv8qmwmydrv2i4d7q2kd-seed-oom.drv'.",
].join('\n');
const DISK_FULL = [
  "error: builder for '/nix/store/yfa5whg9lfn3zk1lczgg1mxiq589yw05-seed-fill.drv' failed with exit code 1;",
  '       last 1 log lines:',
  '       > /bin/cat: write error: No space left on device',
  "       For full logs, run 'nix log /nix/store/yfa5whg9lfn3zk1lczgg1mxiq589yw05-seed-fill.drv'.",
  '       note: build failure may have been caused by lack of free disk space',
].join('\n');
const FAILED = "error: builder for '/nix/store/a-x.drv' failed with exit code 3;\n       last 1 log lines:\n       > broken\n";

// Current Nix (NixOS/nix derivation-building-goal.cc) says the same in two lines, in colour.
const KILLED_CURRENT = [
  "error: Cannot build '\x1b[35;1m/nix/store/vx8w-seed-machine.drv\x1b[0m'.",
  '       Reason: \x1b[31;1mbuilder failed due to signal 9 (Killed)\x1b[0m.',
  '       Output paths:',
  '         /nix/store/smgd-seed-machine',
].join('\n');

describe('nixMachineFailure', () => {
  it("reads current Nix's spelling ('Cannot build ...' then 'Reason: builder failed ...') as well", () => {
    expect(nixMachineFailure(KILLED_CURRENT)).toMatch(/^a builder was killed by signal 9 \(Killed\) before it finished \(\/nix\/store\/vx8w-seed-machine\.drv\)/);
    const exited = KILLED_CURRENT.replace('due to signal 9 (Killed)', 'with exit code 3');
    expect(nixMachineFailure(exited)).toBeUndefined();
    expect(nixMachineFailure(`${exited}\n${KILLED_CURRENT}`)).toBeUndefined();
  });

  it('names a builder killed by SIGKILL (the out-of-memory killer) or SIGTERM', () => {
    expect(nixMachineFailure(KILLED)).toMatch(/^a builder was killed by signal 9 \(Killed\) before it finished \(\/nix\/store\/crfx.*-seed-oom\.drv\)/);
    expect(nixMachineFailure(KILLED.replace('signal 9 (Killed)', 'signal 15 (Terminated)'))).toMatch(/signal 15 \(Terminated\)/);
  });

  it('names a full disk, whatever the builder said about it', () => {
    expect(nixMachineFailure(DISK_FULL)).toMatch(/^the build ran out of disk space/);
    expect(nixMachineFailure('error: writing to file: No space left on device\n')).toMatch(/^the build ran out of disk space/);
  });

  it('leaves the proposal\'s own failures alone: exit codes, crashes, a builder that only printed ENOSPC', () => {
    expect(nixMachineFailure(FAILED)).toBeUndefined();
    expect(nixMachineFailure(`${FAILED}${KILLED}`)).toBeUndefined();
    expect(nixMachineFailure(KILLED.replace('signal 9 (Killed)', 'signal 11 (Segmentation fault)'))).toBeUndefined();
    expect(nixMachineFailure(DISK_FULL.replace(/\n.*note: build failure.*/, ''))).toBeUndefined();
    expect(nixMachineFailure('')).toBeUndefined();
  });
});
