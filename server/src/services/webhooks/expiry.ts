import type { App } from '../../appTypes.ts';
import { recordAudit, systemActor } from '../audit.ts';

// Time-driven webhook events, written as audit events (projected like every other by the
// outbox): `key.expiring` once per key and lead time (the tenant's `webhookExpiryLeadSeconds`),
// `key.expired` once per key. A notice row per (key, kind, expiry) is inserted in the event's
// transaction, so runs on several instances, or repeated runs, send each event once; a key whose
// expiry is moved gets fresh notices. When several lead times are already due (a key made to
// expire in 12 hours, with lead times of 7 days and 1 day), only the shortest is sent.

const DAY_MS = 86_400_000;
/** A key expired longer ago than this (e.g. before the tenant had webhooks) is not announced. */
const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;

/** Tenants with at least one webhook endpoint; answers how many events were written. */
export async function sendKeyExpiryEvents(app: App): Promise<number> {
  const prisma = app.db.prisma;
  const now = app.clock();
  const tenants = await prisma.tenant.findMany({
    where: { webhookEndpoints: { some: {} } },
    select: { id: true, webhookExpiryLeadSeconds: true },
  });
  let written = 0;
  for (const tenant of tenants) {
    const leads = [...tenant.webhookExpiryLeadSeconds].sort((a, b) => a - b);
    const horizon = new Date(now.getTime() + (leads.at(-1) ?? 0) * 1000);
    const keys = await prisma.apiKey.findMany({
      where: { tenantId: tenant.id, status: 'ACTIVE', expiresAt: { gt: new Date(now.getTime() - EXPIRED_LOOKBACK_MS), lte: horizon } },
      select: { id: true, publicId: true, name: true, expiresAt: true },
    });
    for (const key of keys) {
      const expiresAt = key.expiresAt!;
      const left = expiresAt.getTime() - now.getTime();
      const due = left <= 0 ? [] : leads.filter((lead) => left <= lead * 1000);
      const kinds = left <= 0 ? ['expired', ...leads.map((lead) => `expiring:${lead}`)] : due.map((lead) => `expiring:${lead}`);
      if (kinds.length === 0) continue;
      const [announced, ...covered] = kinds as [string, ...string[]];
      const sent = await prisma.$transaction(async (tx) => {
        const notice = (kind: string) => ({ keyId: key.id, kind, expiresAt, tenantId: tenant.id });
        // Inserted or already there (another run, another instance): the unique row decides.
        const { count } = await tx.webhookKeyNotice.createMany({ data: [notice(announced)], skipDuplicates: true });
        if (covered.length) await tx.webhookKeyNotice.createMany({ data: covered.map(notice), skipDuplicates: true });
        if (count === 0) return 0;
        const common = { publicId: key.publicId, name: key.name, expiresAt };
        await recordAudit(tx, systemActor('webhooks'), left <= 0
          ? { tenantId: tenant.id, action: 'key.expired', targetType: 'ApiKey', targetId: key.id, changes: common }
          : { tenantId: tenant.id, action: 'key.expiring', targetType: 'ApiKey', targetId: key.id, changes: { ...common, leadSeconds: due[0]!, secondsLeft: Math.floor(left / 1000) } });
        return 1;
      });
      written += sent;
    }
  }
  return written;
}
