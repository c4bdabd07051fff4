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

  it('keeps escaped unit names as systemctl prints them, and reads masked and not-found units of --all', () => {
    // In the form of systemctl list-units --all --no-legend under LC_ALL=C (the bullet is `*`): unit
    // names escape `-` and spaces (`\x2d`, `\x20`); masked and not-found units carry the bullet.
    const text = [
      '  systemd-fsck@dev-disk-by\\x2duuid-1f2e\\x2d3d4c.service loaded active exited File System Check on /dev/disk/by-uuid/1f2e-3d4c',
      '  backup-my\\x20disk.timer                               loaded active waiting Back up "my disk"',
      '* rsyslog.service                                       masked inactive dead  rsyslog.service',
      '* syslog.service                                        not-found inactive dead syslog.service',
      '  user@1000.service                                     loaded active running User Manager for UID 1000',
    ].join('\n');
    expect(parseUnitsText(text).map((u) => [u.name, u.load, u.active, u.sub, u.description])).toEqual([
      ['backup-my\\x20disk.timer', 'loaded', 'active', 'waiting', 'Back up "my disk"'],
      ['rsyslog.service', 'masked', 'inactive', 'dead', 'rsyslog.service'],
      ['syslog.service', 'not-found', 'inactive', 'dead', 'syslog.service'],
      ['systemd-fsck@dev-disk-by\\x2duuid-1f2e\\x2d3d4c.service', 'loaded', 'active', 'exited', 'File System Check on /dev/disk/by-uuid/1f2e-3d4c'],
      ['user@1000.service', 'loaded', 'active', 'running', 'User Manager for UID 1000'],
    ]);
    // The same units as --output=json gives them (systemd 246+): the name as a JSON string.
    const json = '[{"unit":"systemd-fsck@dev-disk-by\\\\x2duuid-1f2e.service","load":"loaded","active":"failed","sub":"failed","description":"File System Check"}]';
    expect(parseUnitsJson(json)?.[0]).toMatchObject({ name: 'systemd-fsck@dev-disk-by\\x2duuid-1f2e.service', active: 'failed' });
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
