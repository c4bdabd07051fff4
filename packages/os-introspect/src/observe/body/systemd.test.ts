import { describe, expect, it } from 'vitest';
import { parseUnitsJson, parseUnitsText, unitsFromText } from './systemd.js';

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

  it('reads the JOB column where the header puts it, and stops at the legend (systemd before 246, --plain --full with the legend)', () => {
    // Laid out as systemd 239-245 print it (printf table): each cell padded to its column, the
    // JOB column added because some unit has a pending job and blank for the others, two spaces
    // before each row since a failed unit is listed (--plain prints no bullet in them).
    const text = [
      '  UNIT                      LOAD   ACTIVE       SUB          JOB   DESCRIPTION                 ',
      '  accounts-daemon.service   loaded active       running            Accounts Service            ',
      '  autopoietic-agent.service loaded failed       failed             Autopoietic OS agent runtime',
      '  backup.timer              loaded active       waiting            reload the backup set daily ',
      '  nginx.service             loaded inactive     dead         start nginx web server            ',
      '  postgresql.service        loaded deactivating stop-sigterm stop  PostgreSQL database         ',
      '',
      'LOAD   = Reflects whether the unit definition was properly loaded.',
      'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
      'SUB    = The low-level unit activation state, values depend on unit type.',
      'JOB    = Pending job for the unit.',
      '',
      '5 loaded units listed.',
      "To show all installed unit files use 'systemctl list-unit-files'.",
      'stray.service loaded active running after the legend, not a row',
    ].join('\n');
    expect(parseUnitsText(text).map((u) => [u.name, u.active, u.sub, u.description])).toEqual([
      ['accounts-daemon.service', 'active', 'running', 'Accounts Service'],
      ['autopoietic-agent.service', 'failed', 'failed', 'Autopoietic OS agent runtime'],
      ['backup.timer', 'active', 'waiting', 'reload the backup set daily'],
      ['nginx.service', 'inactive', 'dead', 'nginx web server'],
      ['postgresql.service', 'deactivating', 'stop-sigterm', 'PostgreSQL database'],
    ]);
  });

  it('reads the table of systemd 240-245 (no JOB column; the bullet column, shown without --plain), and no units as an empty list', () => {
    const text = [
      '  UNIT            LOAD   ACTIVE SUB     DESCRIPTION',
      '● cups.service    loaded failed failed  CUPS  Scheduler',
      '  logrotate.timer loaded active waiting Daily rotation of log files',
      '',
      'LOAD   = Reflects whether the unit definition was properly loaded.',
      '',
      '2 loaded units listed.',
    ].join('\n');
    expect(unitsFromText(text)).toEqual({
      available: true,
      source: 'text',
      units: [
        { name: 'cups.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'CUPS  Scheduler' },
        { name: 'logrotate.timer', load: 'loaded', active: 'active', sub: 'waiting', description: 'Daily rotation of log files' },
      ],
    });
    // Before 240 no header is printed when nothing is listed, only the count.
    expect(unitsFromText("0 loaded units listed.\nTo show all installed unit files use 'systemctl list-unit-files'.\n")).toEqual({ available: true, source: 'text', units: [] });
    expect(unitsFromText('Failed to list units: Access denied\n')).toMatchObject({ available: false, reason: expect.stringContaining('unrecognised output') });
  });
});
