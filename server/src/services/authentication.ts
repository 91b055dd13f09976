import type { App } from '../appTypes.ts';
import { TOKEN_PREFIX, type Caller, type PresentedCredential, type RequestInfo } from '../domain/caller.ts';
import { AuthenticationError } from '../domain/errors.ts';
import { roleScopes } from '../domain/scopes.ts';
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

/** A session token's member, read from the database at most once a second (caches.ts SESSION_CACHE_TTL_MS). */
async function sessionCaller(app: App, text: string): Promise<Caller | null> {
  const tokenHash = sha256Hex(text);
  const { caches } = app.verification;
  const now = app.clock();
  const cached = caches.getSession(tokenHash);
  if (cached !== undefined) return cached.expiresAt > now ? cached.caller : null;

  const generation = caches.generation;
  const session = await app.db.prisma.session.findUnique({
    where: { tokenHash },
    include: { member: { include: { role: true } }, tenant: true },
  });
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  if (session.member.status !== 'ACTIVE' || session.tenant.status !== 'ACTIVE') return null;
  const caller = {
    kind: 'member' as const,
    tenantId: session.tenantId,
    memberId: session.memberId,
    sessionId: session.id,
    roleId: session.member.roleId,
    scopes: roleScopes(session.member.role),
  };
  caches.storeSession(tokenHash, { caller, expiresAt: session.expiresAt, generation });
  return caller;
}
