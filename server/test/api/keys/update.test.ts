import { describe, expect, it } from 'vitest';
import { createTenant } from '../../harness/fixtures.ts';
import { newId } from '../../../src/domain/ids.ts';
import type { UpdateKeyInput } from '@keywarden/sdk/graphql';
import {
  EXPLAIN, GET, KEY, START, UPDATE, addScopes, at, auditEvents, call, callFor, customRole, expectFieldError, expectTypename, issue, storedKey, t,
  tenantState, useKeysApp,
} from './support.ts';

useKeysApp();

describe('updateKey', () => {
  it('changes the given fields, replaces IP rules, and audits before/after', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const member = await a.addMember('ADMIN');
    const group = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: a.id, name: 'g' } });
    const { apiKey } = await issue(a, { name: 'old', contactEmail: 'a@example.com', scopes: ['tickets:read'], ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });

    at(10);
    const updated = await call(UPDATE, {
      input: {
        id: apiKey.id, name: 'new', description: 'd', contactEmail: '', ownerId: member.id, groupId: group.id,
        scopes: ['tickets:write'], endpoints: ['/v2/**'], ipRules: [{ action: 'DENY', cidr: '2001:db8::/32' }],
        expiresIn: '1h', metadata: { v: 2 },
      },
    }, a.owner.token);
    expectTypename(updated, 'ApiKeyPayload');
    expect(updated.apiKey).toMatchObject({
      name: 'new', description: 'd', contactEmail: null, owner: { id: member.id }, group: { id: group.id },
      scopes: ['tickets:write'], effectiveScopes: ['tickets:write'], endpoints: ['/v2/**'], metadata: { v: 2 },
      ipRules: [{ action: 'DENY', cidr: '2001:db8::/32', level: 'KEY' }], expiresAt: new Date(START + 10_000 + 3_600_000).toISOString(),
      publicId: apiKey.publicId, maskedKey: apiKey.maskedKey,
    });
    const [, event] = await auditEvents(a.id, apiKey.id);
    expect(event).toMatchObject({ action: 'key.updated' });
    expect(event!.changes).toMatchObject({
      name: { before: 'old', after: 'new' },
      scopes: { before: ['tickets:read'], after: ['tickets:write'] },
      ipRules: { before: ['ALLOW 10.0.0.0/8'], after: ['DENY 2001:db8::/32'] },
    });

    const cleared = await callFor(UPDATE, { input: { id: apiKey.id, removeFromGroup: true, neverExpires: true } }, a.owner.token, 'ApiKeyPayload');
    expect(cleared.apiKey).toMatchObject({ group: null, expiresAt: null, name: 'new' });
  });

  it.each<[string, Omit<UpdateKeyInput, 'id'>, string[], RegExp?]>([
    ['an empty name', { name: '' }, ['input', 'name']],
    ['a bad email', { contactEmail: 'x@' }, ['input', 'contactEmail']],
    ['a group and removeFromGroup', { groupId: newId('grp'), removeFromGroup: true }, ['input', 'removeFromGroup']],
    ['an expiry and neverExpires', { expiresIn: '1h', neverExpires: true }, ['input', 'neverExpires']],
    ['a bad endpoint', { endpoints: ['/ok', 'FETCH /x'] }, ['input', 'endpoints', '1']],
    ['a bad CIDR', { ipRules: [{ action: 'ALLOW', cidr: '300.1.1.1' }] }, ['input', 'ipRules', '0', 'cidr'], /300\.1\.1\.1/],
    ['an unknown scope', { scopes: ['billing:write'] }, ['input', 'scopes', '0']],
    ['too much metadata', { metadata: { blob: 'é'.repeat(2100) } }, ['input', 'metadata']],
    ['an expiry in the past', { expiresAt: '2000-01-01T00:00:00Z' }, ['input', 'expiresAt']],
  ])('rejects %s and writes nothing', async (_label, input, path, message?) => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a, { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    const before = await tenantState(a.id);
    expectFieldError(await call(UPDATE, { input: { id: apiKey.id, ...input } }, a.owner.token), path, message);
    expect(await tenantState(a.id)).toBe(before);
  });

  it("keeps scopes within the (new) owner's role and the caller's reach", async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const admin = await a.addMember('ADMIN');
    const reader = await a.addMember({ roleId: await customRole(a, ['tickets:read']) });
    const { apiKey } = await issue(a, { scopes: ['tickets:write'] });
    const before = await tenantState(a.id);

    // A new owner whose role lacks the key's scopes.
    expectFieldError(await call(UPDATE, { input: { id: apiKey.id, ownerId: reader.id } }, a.owner.token), ['input', 'scopes'], /tickets:write/);
    // Scopes the caller itself lacks.
    const grant = await call(UPDATE, { input: { id: apiKey.id, scopes: ['tenant:admin'] } }, admin.token);
    expect(grant).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect(await tenantState(a.id)).toBe(before);

    // Other fields of a more privileged member's key stay editable; naming the same owner is no change.
    expect((await call(UPDATE, { input: { id: apiKey.id, ownerId: a.owner.id, name: 'renamed' } }, admin.token)).__typename).toBe('ApiKeyPayload');
    // Taking the key over is fine; handing it to a member who holds more is not.
    expect((await callFor(UPDATE, { input: { id: apiKey.id, ownerId: admin.id } }, admin.token, 'ApiKeyPayload')).apiKey.owner.id).toBe(admin.id);
    const handBack = await call(UPDATE, { input: { id: apiKey.id, ownerId: a.owner.id } }, admin.token);
    expect(handBack).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect((await storedKey(apiKey.id)).ownerId).toBe(admin.id);
  });

  it("refuses neverExpires when the tenant has a maximum lifetime", async () => {
    const a = await createTenant(t.app);
    await t.app.db.prisma.tenant.update({ where: { id: a.id }, data: { maxKeyLifetimeSeconds: 86_400 } });
    const { apiKey } = await issue(a);
    expectFieldError(await call(UPDATE, { input: { id: apiKey.id, neverExpires: true } }, a.owner.token), ['input', 'neverExpires'], /1 day/);
  });

  it("another tenant's key or group is NOT_FOUND", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const theirs = (await issue(b)).apiKey;
    const mine = (await issue(a)).apiKey;
    const bGroup = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: b.id, name: 'theirs' } });
    const [beforeA, beforeB] = [await tenantState(a.id), await tenantState(b.id)];
    expect(await call(UPDATE, { input: { id: theirs.id, name: 'x' } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'ApiKey' });
    expect(await call(UPDATE, { input: { id: mine.id, groupId: bGroup.id } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'Group' });
    expect(await call(UPDATE, { input: { id: mine.id, ownerId: b.owner.id } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'Member' });
    expect([await tenantState(a.id), await tenantState(b.id)]).toEqual([beforeA, beforeB]);
  });
});

describe('effective scopes', () => {
  it("shrink at once when the owner is demoted, and follow the group's limit", async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const agent = await a.addMember({ roleId: await customRole(a, ['tickets:read', 'tickets:write']) });
    const group = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: a.id, name: 'limited' } });
    const { apiKey } = await issue(a, { ownerId: agent.id, groupId: group.id, scopes: ['tickets:read', 'tickets:write'] });
    expect((await call(GET, { id: apiKey.id }, a.owner.token))?.effectiveScopes).toEqual(['tickets:read', 'tickets:write']);

    await t.app.db.prisma.member.update({ where: { id: agent.id }, data: { roleId: await customRole(a, ['tickets:read']) } });
    const demoted = await call(GET, { id: apiKey.id }, a.owner.token);
    expect(demoted).toMatchObject({ scopes: ['tickets:read', 'tickets:write'], effectiveScopes: ['tickets:read'] });
    const explained = await call(EXPLAIN, { id: apiKey.id, ip: '192.0.2.1', scopes: ['tickets:write'] }, a.owner.token);
    expect(explained).toMatchObject({ code: 'INSUFFICIENT_SCOPES', missingScopes: ['tickets:write'], effectiveScopes: ['tickets:read'] });

    await t.app.db.prisma.member.update({ where: { id: agent.id }, data: { roleId: a.roles.ADMIN } });
    await t.app.db.prisma.group.update({ where: { id: group.id }, data: { limitsScopes: true, scopeLimit: ['tickets:write'] } });
    expect((await call(GET, { id: apiKey.id }, a.owner.token))?.effectiveScopes).toEqual(['tickets:write']);

    await t.app.db.prisma.member.update({ where: { id: agent.id }, data: { roleId: a.roles.VIEWER } });
    expect((await call(GET, { id: apiKey.id }, a.owner.token))?.effectiveScopes).toEqual([]);
  });
});
