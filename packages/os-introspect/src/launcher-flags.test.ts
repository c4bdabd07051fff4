import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const { launcherV8Flags } = createRequire(import.meta.url)('../bin/v8-flags.js') as { launcherV8Flags: (v8: string) => string[] };

// The launcher's V8 flags by runtime: a flag V8 does not know is reported on stderr at every run
// (Node 22, which runs the Nix package, printed "Error: unrecognized flag --interrupt-budget").
describe('os-introspect launcher V8 flags', () => {
  it('sets --interrupt-budget only for a V8 that has it (up to 11.3, Node 20)', () => {
    expect(launcherV8Flags('10.2.154.26-node.26')).toEqual(['--max-semi-space-size=64', '--interrupt-budget=540672']);
    expect(launcherV8Flags('11.3.244.8-node.33')).toEqual(['--max-semi-space-size=64', '--interrupt-budget=540672']);
    expect(launcherV8Flags('11.8.172.17-node.20')).toEqual(['--max-semi-space-size=64']);
    expect(launcherV8Flags('12.4.254.21-node.57')).toEqual(['--max-semi-space-size=64']);
    expect(launcherV8Flags('13.6.233.10-node.27')).toEqual(['--max-semi-space-size=64']);
  });

  it('gives this runtime only flags it knows', () => {
    const flags = launcherV8Flags(process.versions.v8);
    const r = spawnSync(process.execPath, ['-e', `for (const f of ${JSON.stringify(flags)}) require('node:v8').setFlagsFromString(f)`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
