import type { App } from '../appTypes.ts';
import { TOKEN_PREFIX, type Caller, type PresentedCredential, type RequestInfo } from '../domain/caller.ts';
import { AuthenticationError } from '../domain/errors.ts';
import { roleScopes, type BuiltIn } from '../domain/scopes.ts';
import { sha256Hex } from '../domain/secrets.ts';

/**
 * Resolves the credential a request presented (http/credentials.ts reads it) to a caller: the
 * single authentication pipeline of the management API. No credential is the anonymous caller; a
 * bad one is UNAUTHENTICATED.
 */
export async function authenticate(app: App, credential: PresentedCredential | null, info: RequestInfo): Promise<Caller> {
  if (!credential) return { kind: 'anonymous' };
  const caller = await resolveCredential(app, credential, info);
  if (!caller) throw new AuthenticationError('The credential is invalid, expired or revoked', true);
  return caller;
}

async function resolveCredential(app: App, credential: PresentedCredential, info: RequestInfo): Promise<Caller | null> {
  if (credential.kind === 'token') {
    if (credential.text.startsWith(`${TOKEN_PREFIX.platform}_`)) return platformCaller(app, credential.text);
    if (credential.text.startsWith(`${TOKEN_PREFIX.session}_`)) return sessionCaller(app, credential.text);
  }
  return app.apiKeyAuthenticator(credential, info);
}

async function platformCaller(app: App, text: string): Promise<Caller | null> {
  const credential = await app.db.prisma.platformCredential.findUnique({ where: { tokenHash: sha256Hex(text) } });
  if (!credential || credential.revokedAt) return null;
  return { kind: 'platform', credentialId: credential.id };
}

interface SessionRow {
  id: string;
  tenantId: string;
  memberId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  memberStatus: string;
  roleId: string;
  builtIn: BuiltIn | null;
  scopes: string[];
  tenantStatus: string;
}

/** A session token's member, read from the database at most once a second (caches.ts SESSION_CACHE_TTL_MS). */
async function sessionCaller(app: App, text: string): Promise<Caller | null> {
  const tokenHash = sha256Hex(text);
  const { caches } = app.verification;
  const now = app.clock();
  const cached = caches.getSession(tokenHash);
  if (cached !== undefined) return cached.expiresAt > now ? cached.caller : null;

  const generation = caches.generation;
  // One statement: the session with its member's status and role and its tenant's status.
  const [session] = await app.db.prisma.$queryRaw<SessionRow[]>`
    SELECT s."id", s."tenantId", s."memberId", s."expiresAt", s."revokedAt", m."status"::text AS "memberStatus", m."roleId",
           r."builtIn"::text AS "builtIn", r."scopes", t."status"::text AS "tenantStatus"
    FROM "Session" s
    JOIN "Member" m ON m."id" = s."memberId"
    JOIN "Role" r ON r."id" = m."roleId"
    JOIN "Tenant" t ON t."id" = s."tenantId"
    WHERE s."tokenHash" = ${tokenHash}`;
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  if (session.memberStatus !== 'ACTIVE' || session.tenantStatus !== 'ACTIVE') return null;
  const caller = {
    kind: 'member' as const,
    tenantId: session.tenantId,
    memberId: session.memberId,
    sessionId: session.id,
    roleId: session.roleId,
    scopes: roleScopes({ builtIn: session.builtIn, scopes: session.scopes }),
  };
  caches.storeSession(tokenHash, { caller, expiresAt: session.expiresAt, generation });
  return caller;
}
