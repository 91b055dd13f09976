import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';

// The one place that confines data access to a tenant. Every tenant caller's GraphQL context gets
// a client made here, so a query for another tenant's record finds nothing (NOT_FOUND), whichever
// resolver, node(id:) lookup or cursor produced it.
//
// It is a thin view over any client, the base one or a transaction's (Prisma's `$extends` is not
// available on a transaction client, and a mutation runs in one: see db/transaction.ts). Every model
// call has its arguments narrowed to the tenant; everything else passes through unchanged.

const TENANT_OWNED_MODELS = new Set<string>([
  'Member', 'Role', 'Scope', 'Group', 'ApiKey', 'IpRule', 'AccessToken', 'Session', 'AuditEvent', 'RouteMap', 'Identity',
  'CredentialChange',
  'RevealLink',
  'KeyLeakReport',
  'KeyNetwork',
  'WebhookEndpoint', 'WebhookDelivery', 'WebhookAttempt',
]);

const WHERE_OPERATIONS = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count',
  'aggregate', 'groupBy', 'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert',
]);

/** `apiKey` → `ApiKey`: the client's delegate properties and the models they serve. */
const MODEL_OF_DELEGATE = new Map<string, string>(
  Object.values(Prisma.ModelName).map((model) => [model.charAt(0).toLowerCase() + model.slice(1), model]),
);

type Args = { where?: Record<string, unknown>; data?: unknown; create?: Record<string, unknown> };

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
    scoped = tenantView(prisma, tenantId);
    if (clients.size >= MAX_SCOPED_CLIENTS) clients.delete(clients.keys().next().value!);
    clients.set(tenantId, scoped);
  }
  return scoped;
}

function tenantView(client: PrismaClient, tenantId: string): PrismaClient {
  const delegates = new Map<string, unknown>();
  return new Proxy(client, {
    get(target, property) {
      if (typeof property === 'string') {
        const model = MODEL_OF_DELEGATE.get(property);
        if (model !== undefined) {
          let delegate = delegates.get(property);
          if (delegate === undefined) {
            delegate = modelView(Reflect.get(target, property) as object, model, tenantId);
            delegates.set(property, delegate);
          }
          return delegate;
        }
        if (property === '$transaction') {
          // A transaction of a tenant's client is confined to the same tenant.
          return (run: unknown, options?: unknown) => {
            if (typeof run !== 'function') throw new Error('tenant clients support interactive transactions only');
            return target.$transaction((tx) => run(scopeToTenant(tx as PrismaClient, tenantId)), options as never);
          };
        }
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function modelView(delegate: object, model: string, tenantId: string): object {
  return new Proxy(delegate, {
    get(target, operation) {
      const method = Reflect.get(target, operation);
      if (typeof method !== 'function' || typeof operation !== 'string') return method;
      return (args?: unknown) => {
        let narrowed: Args;
        try {
          narrowed = narrow(model, operation, (args ?? {}) as Args, tenantId);
        } catch (error) {
          return Promise.reject(error);
        }
        return method.call(target, narrowed);
      };
    },
  });
}

function narrow(model: string, operation: string, args: Args, tenantId: string): Args {
  const a = { ...args };
  if (model === 'Tenant') {
    if (operation.startsWith('create') || operation.startsWith('delete')) {
      throw new Error('tenant callers cannot create or delete tenants');
    }
    // Spreading keeps the unique `id` at the top (findUnique needs it); AND pins it.
    a.where = { ...a.where, AND: [{ id: tenantId }] };
    return a;
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
  return a;
}

function withTenant(data: unknown, tenantId: string): Record<string, unknown> {
  const record = (data ?? {}) as Record<string, unknown>;
  if ('tenant' in record) throw new Error('connect tenant data through tenantId only');
  return { ...record, tenantId };
}
