import { describe, expect, it } from 'vitest';
import { parseUnitsJson, parseUnitsText } from './systemd.js';

describe('systemd unit parsing', () => {
  it('reads systemctl --output=json', () => {
    const json = JSON.stringify([
      { unit: 'sshd.service', load: 'loaded', active: 'active', sub: 'running', description: 'SSH Daemon' },
      { unit: 'backup.timer', load: 'loaded', active: 'inactive', sub: 'dead', description: 'Backup' },
      { nonsense: true },
    ]);
    expect(parseUnitsJson(json)).toEqual([
      { name: 'backup.timer', load: 'loaded', active: 'inactive', sub: 'dead', description: 'Backup' },
      { name: 'sshd.service', load: 'loaded', active: 'active', sub: 'running', description: 'SSH Daemon' },
    ]);
    expect(parseUnitsJson('Unknown output json')).toBeUndefined();
    // Rows none of which is a unit: not systemctl's JSON, so not "no units" (the text is tried).
    expect(parseUnitsJson('[null, 5, [1], {"unit": 7}]')).toBeUndefined();
    expect(parseUnitsJson('{"unit": "a.service"}')).toBeUndefined();
    expect(parseUnitsJson('[]')).toEqual([]);
  });

  it('reads plain text, including the failed-unit bullet that shifts the columns', () => {
    const text = [
      '  accounts-daemon.service  loaded    active   running Accounts Service',
      '● autopoietic-agent.service loaded   failed   failed  Autopoietic OS agent runtime',
      '* nfs-server.service       not-found inactive dead    nfs-server.service',
      '  logrotate.timer          loaded    active   waiting Daily rotation of log files',
      '',
      'garbage line',
      // a unit name further in is prose, not a row; a row cut short has no sub state to report
      'Warning: the unit file of dbus.service changed on disk, reload units',
      '  truncated.service loaded active',
    ].join('\n');
    expect(parseUnitsText(text)).toEqual([
      { name: 'accounts-daemon.service', load: 'loaded', active: 'active', sub: 'running', description: 'Accounts Service' },
      { name: 'autopoietic-agent.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'Autopoietic OS agent runtime' },
      { name: 'logrotate.timer', load: 'loaded', active: 'active', sub: 'waiting', description: 'Daily rotation of log files' },
      { name: 'nfs-server.service', load: 'not-found', active: 'inactive', sub: 'dead', description: 'nfs-server.service' },
    ]);
  });
});
