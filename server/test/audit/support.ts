// Shared by the audit tests: an SSE subscription client, and the secret scan every audit test file
// runs over the whole audit table at its end.
import { expect } from 'vitest';
import type { App } from '../../src/app.ts';
import { newId } from '../../src/domain/ids.ts';
import { parseKey } from '@keywarden/sdk/key-format';
import { GENESIS_HASH, auditHash } from './hash.ts';

export interface SseMessage {
  event: string;
  data: any;
}

/** Sends a request and returns the response (the in-process Yoga, or a real server over HTTP). */
export type Fetcher = (path: string, init: RequestInit) => Promise<Response>;

export const SUBSCRIBE = `subscription($afterId: ID, $tenantId: ID) {
  auditEvents(afterId: $afterId, tenantId: $tenantId) { id seq action targetId tenantId actorType }
}`;

/** A GraphQL subscription over SSE (Yoga's `accept: text/event-stream`), read message by message. */
export class SseSubscription {
  private buffer = '';
  private readonly queue: SseMessage[] = [];
  private ended = false;

  private constructor(
    readonly response: Response,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly abort: AbortController,
  ) {}

  static async open(fetcher: Fetcher, token: string | null, variables: Record<string, unknown> = {}, query = SUBSCRIBE): Promise<SseSubscription> {
    const abort = new AbortController();
    const response = await fetcher('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    return new SseSubscription(response, response.body!.getReader(), abort);
  }

  /** The next message (`next` or `complete`); throws when none arrives in time. */
  async message(timeoutMs = 5_000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.ended) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SSE message within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const read = await Promise.race([
        this.reader.read(),
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
      ]).finally(() => clearTimeout(timer));
      if (read === 'timeout') continue;
      if (read.done) {
        this.ended = true;
      } else {
        this.buffer += new TextDecoder().decode(read.value);
        this.parse();
      }
    }
    return this.queue.shift()!;
  }

  /** The payloads of the next `count` events (fails on an error or an early end). */
  async events(count: number, timeoutMs = 5_000): Promise<any[]> {
    const events = [];
    while (events.length < count) {
      const message = await this.message(timeoutMs);
      expect(message.event, JSON.stringify(message.data)).toBe('next');
      expect(message.data.errors, JSON.stringify(message.data.errors)).toBeUndefined();
      events.push(message.data.data.auditEvents);
    }
    return events;
  }

  /** Passes when no message arrives within `ms`. */
  async expectQuiet(ms: number): Promise<void> {
    await expect(this.message(ms)).rejects.toThrow(/no SSE message/);
  }

  close(): void {
    this.abort.abort();
    void this.reader.cancel().catch(() => {});
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // keep-alive ping
        if (line.startsWith('event:')) event = line.slice(6).trim();
        if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (event === 'message' && data.length === 0) continue;
      const text = data.join('\n');
      this.queue.push({ event, data: text ? JSON.parse(text) : null });
    }
  }
}

/**
 * No audit event anywhere in the database holds a credential or a stored hash: argon2 hashes,
 * opaque tokens (kws_/kwp_/kwt_), key texts (anything parseKey accepts), any hash stored in the
 * credential tables, or the plaintexts the test file used (passwords, key texts, tokens).
 */
export async function expectNoSecretsInAudit(app: App, plaintexts: Iterable<string> = []): Promise<void> {
  const prisma = app.db.prisma;
  const events = await prisma.auditEvent.findMany({ orderBy: [{ tenantId: 'asc' }, { seq: 'asc' }] });
  expect(events.length, 'the scan has events to look at').toBeGreaterThan(0);
  const text = JSON.stringify(events);
  expect(text).not.toMatch(/\$argon2/);
  expect(text).not.toMatch(/kw[spt]_[A-Za-z0-9]{20,}/);
  const strings = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  expect(strings.filter((s) => parseKey(s).ok), 'key texts in audit events').toEqual([]);

  const [platform, members, keys, tokens, sessions] = await Promise.all([
    prisma.platformCredential.findMany({ select: { tokenHash: true } }),
    prisma.member.findMany({ select: { passwordHash: true } }),
    prisma.apiKey.findMany({ select: { secretHash: true, previousSecretHash: true } }),
    prisma.accessToken.findMany({ select: { tokenHash: true } }),
    prisma.session.findMany({ select: { tokenHash: true } }),
  ]);
  const stored = [
    ...platform.map((r) => r.tokenHash), ...members.map((r) => r.passwordHash), ...keys.flatMap((r) => [r.secretHash, r.previousSecretHash]),
    ...tokens.map((r) => r.tokenHash), ...sessions.map((r) => r.tokenHash),
  ].filter((h): h is string => !!h);
  expect(stored.length, 'the scan has stored hashes to look for').toBeGreaterThan(0);
  expect(stored.filter((h) => text.includes(h)), 'stored hashes in audit events').toEqual([]);
  const leaked = [...plaintexts].filter((p) => p.length >= 8 && text.includes(p));
  expect(leaked, 'plaintext secrets in audit events').toEqual([]);
}

/** Appends `count` valid events to an empty chain in one insert (faster than recordAudit, and no NOTIFY). */
export async function seedChain(app: App, tenantId: string, count: number, createdAt = new Date()): Promise<void> {
  let prevHash = GENESIS_HASH;
  const rows = [];
  for (let seq = 1; seq <= count; seq++) {
    const event = {
      id: newId('aud'), tenantId, seq, actorType: 'SYSTEM' as const, actorId: null, actorPublicId: null, action: 'test.seeded',
      targetType: null, targetId: null, ip: null, userAgent: null, requestId: null, changes: { seq }, createdAt, prevHash,
    };
    const hash = auditHash(event);
    rows.push({ ...event, hash });
    prevHash = hash;
  }
  await app.db.prisma.auditEvent.createMany({ data: rows });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
