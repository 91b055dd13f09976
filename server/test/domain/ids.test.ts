import { describe, expect, it } from 'vitest';
import { ID_PREFIX_TYPENAME, idPrefixOf, newId, typenameOfId, type IdPrefix } from '../../src/domain/ids.ts';

const ID_PREFIXES: IdPrefix[] = ['ten', 'mem', 'rol', 'scp', 'grp', 'key', 'ipr', 'tok', 'ses', 'aud', 'plt'];

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const ULID_BODY = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

describe('newId', () => {
  it('is the prefix, an underscore and a 26-char lowercase Crockford ULID', () => {
    for (const prefix of ID_PREFIXES) {
      const id = newId(prefix);
      const [head, body] = id.split('_');
      expect(head).toBe(prefix);
      expect(body).toMatch(ULID_BODY);
    }
  });

  it('encodes the current time in the first 10 chars', () => {
    const before = Date.now();
    const id = newId('key');
    const after = Date.now();
    let time = 0;
    for (const char of id.slice(4, 14)) time = time * 32 + CROCKFORD.indexOf(char);
    // >= before is guaranteed only if no earlier id borrowed a future ms; none does at this rate.
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('sorts in generation order over 1000 ids made in a tight loop (many share a ms)', () => {
    const ids = Array.from({ length: 1000 }, () => newId('aud'));
    expect(new Set(ids).size).toBe(1000);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
  });

  it('increments the random part within the same millisecond', () => {
    // A burst this small nearly always lands in one ms; look for a consecutive same-ms pair.
    const ids = Array.from({ length: 50 }, () => newId('key'));
    const sameMs = ids.findIndex((id, i) => i > 0 && id.slice(0, 14) === ids[i - 1]!.slice(0, 14));
    expect(sameMs).toBeGreaterThan(0);
    const randomPart = (id: string) => {
      let value = 0n;
      for (const char of id.slice(14)) value = value * 32n + BigInt(CROCKFORD.indexOf(char));
      return value;
    };
    expect(randomPart(ids[sameMs]!) - randomPart(ids[sameMs - 1]!)).toBe(1n);
  });
});

describe('typenameOfId', () => {
  const body = '01jd5x8m6qz3v7t2k9w4r0b1cn';
  it.each([
    [`ten_${body}`, 'Tenant'],
    [`mem_${body}`, 'Member'],
    [`rol_${body}`, 'Role'],
    [`scp_${body}`, 'Scope'],
    [`grp_${body}`, 'Group'],
    [`key_${body}`, 'ApiKey'],
    [`ipr_${body}`, 'IpRule'],
    [`tok_${body}`, 'AccessToken'],
    [`ses_${body}`, 'Session'],
    [`aud_${body}`, 'AuditEvent'],
    [`plt_${body}`, null], // platform credentials are not GraphQL nodes
    [`xyz_${body}`, null], // unknown prefix
    [`KEY_${body}`, null], // ids are lowercase
    [`key_${body.toUpperCase()}`, null],
    [`key_${body.slice(1)}`, null], // 25 chars
    [`key_${body}0`, null], // 27 chars
    [`key_8${body.slice(1)}`, null], // timestamp overflows 48 bits
    [`key_0ijd5x8m6qz3v7t2k9w4r0b1cn`, null], // 'i' is not Crockford
    [`key-${body}`, null],
    [body, null],
    ['', null],
  ])('%s -> %s', (id, typename) => {
    expect(typenameOfId(id)).toBe(typename);
  });

  it('maps every generated node id back to its typename', () => {
    for (const [prefix, typename] of Object.entries(ID_PREFIX_TYPENAME)) {
      expect(typenameOfId(newId(prefix as keyof typeof ID_PREFIX_TYPENAME))).toBe(typename);
    }
  });

  it('idPrefixOf returns the prefix, including plt', () => {
    expect(idPrefixOf(`plt_${body}`)).toBe('plt');
    expect(idPrefixOf('plt_nope')).toBeNull();
  });
});
