import { describe, expect, it } from 'vitest';
import { groupHoldsOnlyOwner } from './owner-only-group.js';

// Account databases as Debian writes them: each user with a group of their own (USERGROUPS_ENAB).
const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  '# a comment line',
  'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash',
  'bob:x:1001:1001:Bob,,,:/home/bob:/bin/bash',
  'carol:x:1002:100::/home/carol:/bin/bash',
  '',
].join('\n');
const GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'users:x:100:',
  'alice:x:1000:',
  'bob:x:1001:alice',
  'shared:x:2000:alice,bob',
  'solo:x:2001:alice',
  'empty:x:2002:',
  '',
].join('\n');

describe('groupHoldsOnlyOwner (Debian OpenSSH: harmless group-writability)', () => {
  it("holds for a user's own group and for root's", () => {
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 1000, 1000)).toBe(true);
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 0, 0)).toBe(true);
    // Listed as the only member, and nobody's primary group.
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 1000, 2001)).toBe(true);
  });

  it('fails for a group another user is in, by primary group or by membership', () => {
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 1001, 1001)).toBe(false); // bob's group lists alice
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 1000, 2000)).toBe(false); // alice and bob
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 0, 100)).toBe(false); // carol's primary group
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 1000, 1001)).toBe(false); // bob's, not alice's
  });

  it('fails for what it cannot tell: a group with no member, an unknown group or owner, empty databases', () => {
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 1000, 2002)).toBe(false);
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 1000, 4242)).toBe(false);
    expect(groupHoldsOnlyOwner(PASSWD, GROUP, 4242, 1000)).toBe(false);
    expect(groupHoldsOnlyOwner('', '', 0, 0)).toBe(false);
  });
});
