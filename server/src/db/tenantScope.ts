import type { PrismaClient } from '../generated/prisma/client.ts';

// The one place that confines data access to a tenant. Every tenant caller's GraphQL context gets
// a client made here, so a query for another tenant's record finds nothing (NOT_FOUND), whichever
// resolver, node(id:) lookup or cursor produced it.

const TENANT_OWNED_MODELS = new Set([
  'Member', 'Role', 'Scope', 'Group', 'ApiKey', 'IpRule', 'AccessToken', 'Session', 'AuditEvent',
]);

const WHERE_OPERATIONS = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count',
  'aggregate', 'groupBy', 'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert',
]);

type Args = { where?: Record<string, unknown>; data?: unknown; create?: Record<string, unknown> };

// Building an extended client costs ~20 µs, a fifth of a small GraphQL request, so each tenant's
// client is made once and kept (the most recently made MAX_SCOPED_CLIENTS per base client).
const MAX_SCOPED_CLIENTS = 1_000;
const scopedClients = new WeakMap<PrismaClient, Map<string, PrismaClient>>();

/** The client that sees only `tenantId`'s rows. The same tenant gets the same client back. */
export function scopeToTenant(prisma: PrismaClient, tenantId: string): PrismaClient {
  let clients = scopedClients.get(prisma);
  if (clients === undefined) {
    clients = new Map();
    scopedClients.set(prisma, clients);
  }
  let scoped = clients.get(tenantId);
  if (scoped === undefined) {
    scoped = extendForTenant(prisma, tenantId);
    if (clients.size >= MAX_SCOPED_CLIENTS) clients.delete(clients.keys().next().value!);
    clients.set(tenantId, scoped);
  }
  return scoped;
}

function extendForTenant(prisma: PrismaClient, tenantId: string): PrismaClient {
  const extended = prisma.$extends({
    name: 'tenantScope',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const a = (args ?? {}) as Args;
          if (model === 'Tenant') {
            if (operation.startsWith('create') || operation.startsWith('delete')) {
              throw new Error('tenant callers cannot create or delete tenants');
            }
            // Spreading keeps the unique `id` at the top (findUnique needs it); AND pins it.
            a.where = { ...a.where, AND: [{ id: tenantId }] };
            return query(a as typeof args);
          }
          if (!TENANT_OWNED_MODELS.has(model)) {
            throw new Error(`${model} is not tenant data; use the platform client`);
          }
          if (WHERE_OPERATIONS.has(operation)) a.where = { ...a.where, tenantId };
          if (operation === 'create') a.data = withTenant(a.data, tenantId);
          if (operation === 'createMany' || operation === 'createManyAndReturn') {
            a.data = Array.isArray(a.data) ? a.data.map((d) => withTenant(d, tenantId)) : withTenant(a.data, tenantId);
          }
          if (operation === 'upsert') a.create = withTenant(a.create, tenantId);
          return query(a as typeof args);
        },
      },
    },
  });
  // The extension only narrows rows; the client's API is unchanged.
  return extended as unknown as PrismaClient;
}

function withTenant(data: unknown, tenantId: string): Record<string, unknown> {
  const record = (data ?? {}) as Record<string, unknown>;
  if ('tenant' in record) throw new Error('connect tenant data through tenantId only');
  return { ...record, tenantId };
}
