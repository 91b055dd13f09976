// Leaked keys: a key's text reported published, by GitHub's secret scanning (POST /v1/leaks/github)
// or by one of the tenant's people (reportLeakedKey). A text that is a live key of Keywarden (its
// public id exists and its secret matches, as verification checks it) gets the tenant's policy:
// revoked (the default), disabled, or only reported. Each report is applied once: the same key,
// secret, reporter and place again finds its KeyLeakReport row and changes nothing more.
//
// The key text itself is never stored, logged or audited: the audit event says who reported it,
// where it was found, and what the policy did.
import { stat, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseKey } from '@keywarden/sdk/key-format';
import type { App, Context } from '../appTypes.ts';
import type { RequestInfo } from '../domain/caller.ts';
import { NotFoundError } from '../domain/errors.ts';
import { canonicalJson } from '../domain/canonicalJson.ts';
import { parseSecretScanningKeys, type SecretScanningKeys } from '../domain/secretScanning.ts';
import { sha256Hex } from '../domain/secrets.ts';
import { afterCommit } from '../db/transaction.ts';
import { scopeToTenant } from '../db/tenantScope.ts';
import type { KeyStatus, LeakedKeyPolicy, PrismaClient } from '../generated/prisma/client.ts';
import { recordAudit, type Tx } from './audit.ts';
import { tenantCaller } from './authorization.ts';
import { changeKeyStatus } from './keys/status.ts';
import { parseInput } from './validation.ts';

export type { LeakedKeyPolicy };

/** Who reported a leak, and where the key was found. */
export interface LeakReport {
  reportedBy: 'github' | 'member';
  /** Where the text was found (GitHub: the file, commit or page). */
  url: string | null;
  /** GitHub: the token type of its pattern, and where it matched (`content`, `commit`, …). */
  type?: string | null;
  source?: string | null;
  note?: string | null;
}

export interface LeakOutcome {
  keyId: string;
  tenantId: string;
  policy: LeakedKeyPolicy;
  /** The key's status after the report. */
  status: KeyStatus;
  /** The same report was applied before: nothing changed now. */
  alreadyReported: boolean;
}

/** A key whose secret the reported text holds. */
interface MatchedKey {
  id: string;
  tenantId: string;
  status: KeyStatus;
  /** Which secret matched: the current one, or the previous one in a rotation's grace. */
  matched: 'current' | 'previous';
  secretVersion: number;
}

const MAX_URL_LENGTH = 2048;
const MAX_NOTE_LENGTH = 1000;
const MAX_TYPE_LENGTH = 100;

/**
 * The live key `text` is, looked up through `prisma` (a tenant's client finds only that tenant's
 * keys), or null: not a key's shape or checksum, no such public id, or a secret that is not the
 * key's (a false positive). argon2 runs behind the verification pipeline's limiter.
 */
async function matchKey(app: App, prisma: PrismaClient, text: string): Promise<MatchedKey | null> {
  const parsed = parseKey(text);
  if (!parsed.ok) return null;
  const key = await prisma.apiKey.findUnique({
    where: { publicId: parsed.publicId },
    select: { id: true, tenantId: true, status: true, secretHash: true, previousSecretHash: true, previousSecretExpiresAt: true, secretVersion: true },
  });
  if (key === null) return null;
  const verifySecret = app.verification.options.verifySecret;
  const previousLive = key.previousSecretHash !== null && key.previousSecretExpiresAt !== null && key.previousSecretExpiresAt > app.clock();
  const matched = await app.verification.verifier.hashLimiter.run(async () => {
    if (await verifySecret(key.secretHash, parsed.secret)) return 'current' as const;
    if (previousLive && (await verifySecret(key.previousSecretHash!, parsed.secret))) return 'previous' as const;
    return null;
  });
  if (matched === null) return null;
  return {
    id: key.id, tenantId: key.tenantId, status: key.status, matched,
    secretVersion: matched === 'current' ? key.secretVersion : key.secretVersion - 1,
  };
}

/** `value` with every occurrence of the key text (or its secret) blanked, and at most `max` characters. */
function scrubbed(value: string | null | undefined, text: string, max: number): string | null {
  if (value == null || value === '') return null;
  const parsed = parseKey(text);
  let out = value.split(text).join('[key]');
  if (parsed.ok) out = out.split(parsed.secret).join('[key]');
  return out.slice(0, max);
}

/**
 * Applies the tenant's policy to a matched key, inside `tx` (the tenant's client in a transaction):
 * the report row, `key.leaked`, and the status change with its own event. Cache invalidation
 * waits for the commit (`actor.afterCommit`).
 */
async function applyLeak(tx: Tx, actor: Context, key: MatchedKey, report: LeakReport): Promise<LeakOutcome> {
  const now = actor.app.clock();
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: key.tenantId }, select: { leakedKeyPolicy: true } });
  const policy = tenant.leakedKeyPolicy;
  const fingerprint = sha256Hex(canonicalJson({ secretVersion: key.secretVersion, reportedBy: report.reportedBy, url: report.url }));
  const inserted = await tx.keyLeakReport.createMany({
    data: [{ tenantId: key.tenantId, apiKeyId: key.id, fingerprint, source: report.reportedBy, url: report.url, policy }],
    skipDuplicates: true,
  });
  if (inserted.count === 0) {
    const previous = await tx.keyLeakReport.findUniqueOrThrow({ where: { apiKeyId_fingerprint: { apiKeyId: key.id, fingerprint } }, select: { policy: true } });
    return { keyId: key.id, tenantId: key.tenantId, policy: previous.policy, status: key.status, alreadyReported: true };
  }
  await recordAudit(tx, actor, {
    tenantId: key.tenantId, action: 'key.leaked', targetType: 'ApiKey', targetId: key.id,
    changes: {
      reportedBy: report.reportedBy, url: report.url, policy, matched: key.matched,
      ...(report.type != null && { type: report.type }),
      ...(report.source != null && { source: report.source }),
      ...(report.note != null && { note: report.note }),
    },
  });
  let status = key.status;
  if (policy !== 'NOTIFY') {
    const action = policy === 'REVOKE' ? 'REVOKE' : 'DISABLE';
    const reason = `Leaked: reported by ${report.reportedBy === 'github' ? 'GitHub secret scanning' : 'a member of the tenant'}`;
    const changed = await changeKeyStatus(tx, actor, [key], action, { reason, now, tenantId: key.tenantId, context: { leaked: true } });
    if (changed.length > 0) {
      status = policy === 'REVOKE' ? 'REVOKED' : 'DISABLED';
      await afterCommit(actor, () => actor.app.invalidation.invalidate({ tenantId: key.tenantId, keyIds: [key.id] }));
    }
  }
  return { keyId: key.id, tenantId: key.tenantId, policy, status, alreadyReported: false };
}

// ---------------------------------------------------------------------------------------------
// GitHub secret scanning

/** One match of a report, as GitHub sends it. */
export interface SecretScanningMatch {
  token: string;
  type: string;
  url: string | null;
  source: string | null;
}

/** The answer for one match, in the program's feedback format (the token as its SHA-256, never its text). */
export interface SecretScanningLabel {
  token_hash: string;
  token_type: string;
  label: 'true_positive' | 'false_positive';
}

export const MAX_REPORT_MATCHES = 1000;

const reportSchema = z
  .array(
    z.object({
      token: z.string().max(10_000),
      type: z.string().max(MAX_TYPE_LENGTH).nullish(),
      url: z.string().max(10_000).nullish(),
      source: z.string().max(MAX_TYPE_LENGTH).nullish(),
    }),
  )
  .min(1)
  .max(MAX_REPORT_MATCHES);

/** The matches of a report's (already verified) JSON, or null when it is not the program's shape. */
export function readSecretScanningReport(json: unknown): SecretScanningMatch[] | null {
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) return null;
  return parsed.data.map((m) => ({ token: m.token, type: m.type ?? '', url: m.url ?? null, source: m.source ?? null }));
}

/**
 * Each match, in order: a live key gets its tenant's policy, applied as the system (actor SYSTEM,
 * from the reporter's address), in a transaction of its own. The answer says, per match, only
 * whether it was a true positive.
 */
export async function handleSecretScanningReport(app: App, request: RequestInfo, matches: SecretScanningMatch[]): Promise<{ labels: SecretScanningLabel[]; outcomes: LeakOutcome[] }> {
  const labels: SecretScanningLabel[] = [];
  const outcomes: LeakOutcome[] = [];
  for (const match of matches) {
    const key = await matchKey(app, app.db.prisma, match.token);
    if (key !== null) {
      const report: LeakReport = {
        reportedBy: 'github',
        url: scrubbed(match.url, match.token, MAX_URL_LENGTH),
        type: scrubbed(match.type, match.token, MAX_TYPE_LENGTH),
        source: scrubbed(match.source, match.token, MAX_TYPE_LENGTH),
      };
      const effects: (() => unknown)[] = [];
      const outcome = await app.db.prisma.$transaction(async (raw) => {
        const tx = scopeToTenant(raw as PrismaClient, key.tenantId);
        const actor: Context = { app, caller: { kind: 'anonymous' }, db: tx, unscoped: raw as PrismaClient, afterCommit: effects, request };
        return applyLeak(tx, actor, key, report);
      });
      for (const effect of effects) await effect();
      outcomes.push(outcome);
    }
    labels.push({ token_hash: sha256Hex(match.token), token_type: match.type, label: key === null ? 'false_positive' : 'true_positive' });
  }
  return { labels, outcomes };
}

/** The keys file, read again whenever its size or modification time changes. */
class KeysFile {
  private loaded: { signature: string; keys: SecretScanningKeys } | null = null;
  constructor(private readonly file: string, private readonly app: App) {}

  async keys(): Promise<SecretScanningKeys> {
    let signature: string;
    try {
      const info = await stat(this.file);
      signature = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (error) {
      return this.keep(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (this.loaded?.signature === signature) return this.loaded.keys;
    try {
      const keys = parseSecretScanningKeys(await readFile(this.file, 'utf8'));
      this.loaded = { signature, keys };
      this.app.logger.info({ keys: [...keys.keys()] }, 'read the secret-scanning public keys');
      return keys;
    } catch (error) {
      return this.keep((error as Error).message);
    }
  }

  /** A file that went bad after start: the keys last read stay in force (said in the log). */
  private keep(problem: string): SecretScanningKeys {
    this.app.logger.error({ file: this.file }, `KEYWARDEN_SECRET_SCANNING_KEYS_FILE ${problem}; keeping the keys read before`);
    return this.loaded?.keys ?? new Map();
  }
}

const keysFiles = new WeakMap<App, KeysFile>();

/** The secret-scanning public keys in force for this app; null when KEYWARDEN_SECRET_SCANNING_KEYS_FILE is unset. */
export function secretScanningKeys(app: App): Promise<SecretScanningKeys> | null {
  const file = app.config.secretScanning.keysFile;
  if (file === null) return null;
  let keysFile = keysFiles.get(app);
  if (keysFile === undefined) {
    keysFile = new KeysFile(file, app);
    keysFiles.set(app, keysFile);
  }
  return keysFile.keys();
}

// ---------------------------------------------------------------------------------------------
// reportLeakedKey: one of the tenant's people pastes a key that was exposed

const reportInput = z.object({
  key: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
  url: z.string().max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`).nullish(),
  note: z.string().max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`).nullish(),
});

/**
 * The caller's tenant's key whose text this is gets the tenant's policy. Anything else (a text that
 * is not a key, another tenant's key, a wrong secret) is the same NOT_FOUND, which names nothing.
 */
export async function reportLeakedKey(ctx: Context, raw: unknown): Promise<LeakOutcome> {
  tenantCaller(ctx);
  const input = parseInput(reportInput, raw);
  // Never echoed: not in the error, not in the audit event.
  const key = await matchKey(ctx.app, ctx.db, input.key);
  if (key === null) throw new NotFoundError('ApiKey');
  const report: LeakReport = {
    reportedBy: 'member',
    url: scrubbed(input.url, input.key, MAX_URL_LENGTH),
    note: scrubbed(input.note, input.key, MAX_NOTE_LENGTH),
  };
  return ctx.db.$transaction((tx) => applyLeak(tx, ctx, key, report));
}

