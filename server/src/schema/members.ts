import { builder } from '../builder.ts';
import { foundOr } from '../domain/errors.ts';
import { idOf } from '../inputSafety.ts';
import type { Member } from '../generated/prisma/client.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { deletedIdPayload, inputMutation } from './payloads.ts';
import { assertCursorVisible } from './pagination.ts';
import { textSearch } from '../services/filters.ts';
import { createMember, deleteMember, setMemberPassword, setMemberStatus, updateMember } from '../services/members.ts';
import { actingMemberId, targetTenantId } from '../services/authorization.ts';

export const MemberStatusEnum = builder.enumType('MemberStatus', { values: ['ACTIVE', 'DEACTIVATED'] as const });

const READ = { $any: { platform: true, scope: 'members:read' } } as const;
const WRITE = { $any: { platform: true, scope: 'members:write' } } as const;

export const MemberRef = builder.prismaNode('Member', {
  id: { field: 'id' },
  // Select mode: only the columns the requested fields name are read (never the password hash
  // unless hasPassword is asked for), e.g. for the owners of a page of keys.
  select: { id: true },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  // Everyone may read their own record: a session's member, the member a key acts for.
  authScopes: (member, ctx) => (member.id === actingMemberId(ctx) ? true : READ),
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    status: t.expose('status', { type: MemberStatusEnum, description: 'A DEACTIVATED member cannot log in, and their API keys are refused.' }),
    role: t.relation('role'),
    hasPassword: t.boolean({ description: 'Whether the member can log in with a password.', select: { passwordHash: true }, resolve: (member) => member.passwordHash !== null }),
    apiKeyCount: t.exposeInt('apiKeyCount', { description: 'API keys acting on the member\'s behalf; a member who owns keys cannot be deleted.' }),
    sessions: t.relatedConnection('sessions', {
      cursor: 'id',
      description: 'Live (unrevoked, unexpired) login sessions, oldest first.',
      query: (_args, ctx) => ({ where: { revokedAt: null, expiresAt: { gt: ctx.app.clock() } }, orderBy: { id: 'asc' } }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const MemberFilter = builder.inputType('MemberFilter', {
  fields: (t) => ({
    status: t.field({ type: MemberStatusEnum, required: false }),
    search: t.string({ required: false, description: 'Matches name or email, case-insensitively.' }),
  }),
});

builder.queryFields((t) => ({
  members: t.prismaConnection({
    type: 'Member',
    cursor: 'id',
    description: "The tenant's members, oldest first. The platform operator names the tenant.",
    authScopes: READ,
    args: { tenantId: t.arg.id({ required: false, ...idOf('Tenant') }), filter: t.arg({ type: MemberFilter, required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const tenantId = await targetTenantId(ctx, args.tenantId && String(args.tenantId), ['tenantId']);
      await assertCursorVisible(ctx.db.member, args);
      return ctx.db.member.findMany({
        ...query,
        where: { tenantId, status: args.filter?.status ?? undefined, ...textSearch(['name', 'email'], args.filter?.search) },
        orderBy: { id: 'asc' },
      });
    },
  }),
  member: t.prismaField({
    type: 'Member',
    nullable: true,
    description: "The member with this id; NOT_FOUND when the caller's tenant has none.",
    authScopes: READ,
    args: { id: t.arg.id({ required: true, ...idOf('Member') }) },
    resolve: (query, _root, args, ctx) => foundOr(ctx.db.member.findUnique({ ...query, where: { id: String(args.id) } }), 'Member', String(args.id)),
  }),
  me: t.prismaField({
    type: 'Member',
    nullable: true,
    description: 'The member of the calling session, or the member an API key acts for; null for the platform operator.',
    authScopes: { tenant: true },
    resolve: (query, _root, _args, ctx) => {
      const id = actingMemberId(ctx);
      return id ? ctx.db.member.findUnique({ ...query, where: { id } }) : null;
    },
  }),
}));

const CreateMemberInput = builder.inputType('CreateMemberInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, ...idOf('Tenant'), description: 'Platform operator only (e.g. to add a new tenant\'s first OWNER); tenant callers add to their own tenant.' }),
    email: t.string({ required: true, description: 'Unique within the tenant, compared case-insensitively.' }),
    name: t.string({ required: true }),
    roleId: t.id({ required: true, ...idOf('Role'), description: 'A role holding no scope the caller lacks.' }),
    password: t.string({ required: false, description: '12 to 256 characters. Without one the member cannot log in until a password is set.' }),
  }),
});

const UpdateMemberInput = builder.inputType('UpdateMemberInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Member') }),
    name: t.string({ required: false }),
    roleId: t.id({ required: false, ...idOf('Role'), description: 'Nobody changes their own role or grants a role holding scopes they lack.' }),
  }),
});

const SetMemberPasswordInput = builder.inputType('SetMemberPasswordInput', {
  fields: (t) => ({
    memberId: t.id({ required: true, ...idOf('Member') }),
    password: t.string({ required: true, description: '12 to 256 characters.' }),
    currentPassword: t.string({ required: false, description: 'Required when changing your own password.' }),
  }),
});

const MemberPayload = builder.objectRef<{ member: Member }>('MemberPayload').implement({
  fields: (t) => ({ member: t.expose('member', { type: MemberRef }) }),
});

const DeleteMemberPayload = deletedIdPayload('DeleteMemberPayload', 'deletedMemberId');

builder.mutationFields((t) => ({
  createMember: inputMutation(t, {
    type: MemberPayload,
    authScopes: WRITE,
    input: CreateMemberInput,
    resolve: async (input, ctx) => ({ member: await createMember(ctx, input) }),
  }),
  updateMember: inputMutation(t, {
    type: MemberPayload,
    description: 'Rename a member or change their role.',
    authScopes: WRITE,
    input: UpdateMemberInput,
    resolve: async (input, ctx) => ({ member: await updateMember(ctx, input) }),
  }),
  deactivateMember: t.field({
    type: MemberPayload,
    description: 'The member can no longer log in; their sessions end and their API keys are refused.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('Member') }) },
    resolve: async (_root, { id }, ctx) => ({ member: await setMemberStatus(ctx, String(id), 'DEACTIVATED') }),
  }),
  reactivateMember: t.field({
    type: MemberPayload,
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('Member') }) },
    resolve: async (_root, { id }, ctx) => ({ member: await setMemberStatus(ctx, String(id), 'ACTIVE') }),
  }),
  deleteMember: t.field({
    type: DeleteMemberPayload,
    description: 'Refused while the member owns API keys.',
    authScopes: WRITE,
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('Member') }) },
    resolve: async (_root, { id }, ctx) => ({ id: (await deleteMember(ctx, String(id))).id }),
  }),
  setMemberPassword: t.field({
    type: MemberPayload,
    description: 'Your own password (give the current one), or with members:write another member\'s. Ends the member\'s other sessions.',
    authScopes: { $any: { platform: true, tenant: true } },
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: SetMemberPasswordInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ member: await setMemberPassword(ctx, input) }),
  }),
}));
