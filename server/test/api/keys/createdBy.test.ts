import { describe, expect, it } from 'vitest';
import { memberWithScopes } from '../../harness/authCases.ts';
import { createTenant } from '../../harness/fixtures.ts';
import { createTestKey, verifyKey } from '../../harness/keys.ts';
import { typedDocument } from '../../harness/operation.ts';
import { customRole, issue, t, useKeysApp } from './support.ts';

// Who created a key (createdBy: actor type, id, display name) and its last use, read through
// GraphQL: the member or key that called createKey; the time and address of the last verification.

useKeysApp();

type Creator = { type: 'MEMBER' | 'API_KEY'; id: string; displayName: string | null } | null;
const READ = typedDocument<
  { apiKey: { createdBy: Creator; lastUsedAt: string | null; lastUsedIp: string | null; usageCount: number } | null },
  { id: string }
>(`query($id: ID!) { apiKey(id: $id) { createdBy { type id displayName } lastUsedAt lastUsedIp usageCount } }`);

async function read(id: string, token: string) {
  const result = await t.executeOperation(READ, { id }, { token });
  expect(result.errors).toBeUndefined();
  return { apiKey: result.data!.apiKey, body: result.body };
}

describe('createdBy', () => {
  it('names the member who created the key, and the key that created another', async () => {
    const a = await createTenant(t.app);
    await t.app.db.prisma.member.update({ where: { id: a.owner.id }, data: { name: 'Ada Owner' } });
    // An automation key acts for a member whose role holds no scope the key lacks.
    const bot = await a.addMember({ roleId: await customRole(a, ['keys:read', 'keys:write']) });
    const automation = await issue(a, { name: 'provisioning script', ownerId: bot.id, scopes: ['keys:read', 'keys:write'] });
    expect((await read(automation.apiKey.id, a.owner.token)).apiKey!.createdBy).toEqual({ type: 'MEMBER', id: a.owner.id, displayName: 'Ada Owner' });
    // A member's name is for callers that may read members: keys:read alone shows the id only.
    const keysReader = await memberWithScopes(t, a, ['keys:read']);
    const limited = await read(automation.apiKey.id, keysReader.token);
    expect(limited.apiKey!.createdBy).toEqual({ type: 'MEMBER', id: a.owner.id, displayName: null });
    expect(limited.body).not.toContain('Ada Owner');

    // A key calling createKey names the owner; the new key's creator is that key.
    const child = await issue(a, { name: 'child', ownerId: bot.id }, automation.key);
    const { apiKey, body } = await read(child.apiKey.id, a.owner.token);
    expect(apiKey!.createdBy).toEqual({ type: 'API_KEY', id: automation.apiKey.id, displayName: 'provisioning script' });
    for (const secret of [automation.key, automation.secret, child.key, child.secret]) expect(body).not.toContain(secret);
    const row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: child.apiKey.id } });
    expect(body).not.toContain(row.secretHash);

    // The creator's name is read live; a creator that no longer exists keeps its id, without a name.
    await t.app.db.prisma.apiKey.delete({ where: { id: automation.apiKey.id } });
    expect((await read(child.apiKey.id, a.owner.token)).apiKey!.createdBy).toEqual({ type: 'API_KEY', id: automation.apiKey.id, displayName: null });
  });

  it('is null for a key made without an API call, and another tenant sees neither key nor creator', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const seeded = await createTestKey(t.app, a.id, { ownerId: a.owner.id });
    expect((await read(seeded.id, a.owner.token)).apiKey!.createdBy).toBeNull();

    const issued = await issue(a, { name: 'of a' });
    const foreign = await t.executeOperation(READ, { id: issued.apiKey.id }, { token: b.owner.token });
    expect(foreign.data?.apiKey ?? null).toBeNull();
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(foreign.body).not.toContain(a.owner.id);
  });
});

describe('last use', () => {
  it('reads the time, address and count of successful verifications through GraphQL', async () => {
    const a = await createTenant(t.app);
    const issued = await issue(a, { name: 'used' });
    expect((await read(issued.apiKey.id, a.owner.token)).apiKey).toMatchObject({ lastUsedAt: null, lastUsedIp: null, usageCount: 0 });

    const verdict = await verifyKey(t, a.owner.token, { key: issued.key, ip: '198.51.100.23' });
    expect(verdict.body).toMatchObject({ valid: true, keyId: issued.apiKey.id });
    // A refused verification is not a use.
    expect((await verifyKey(t, a.owner.token, { key: `${issued.key.slice(0, -1)}x`, ip: '198.51.100.99' })).body).toMatchObject({ valid: false });
    // Uses are written in batches: the flush is the event to wait on.
    await t.app.verification.usage.flush();

    const { apiKey } = await read(issued.apiKey.id, a.owner.token);
    expect(apiKey).toMatchObject({ lastUsedIp: '198.51.100.23', usageCount: 1 });
    expect(Date.parse(apiKey!.lastUsedAt!)).toBeGreaterThan(Date.now() - 2 * 3600_000);
  });
});
