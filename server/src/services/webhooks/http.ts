import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { addressProblem, hostOf, targetUrlProblem, type Cidr } from '../../domain/webhookTargets.ts';

// One webhook POST, with the SSRF defence: the host is resolved here, every address it resolves
// to is checked (domain/webhookTargets.ts), and the socket connects to the checked address (the
// request's `lookup` answers it, so TLS still verifies the certificate for the host name). No
// redirect is followed (a 3xx is a failure), the whole attempt ends after `timeoutMs`, and at most
// `maxBodyBytes` of the answer are read.

export interface PostOptions {
  timeoutMs: number;
  requireHttps: boolean;
  allowed: readonly Cidr[];
  maxBodyBytes?: number;
  /** Ends the attempt at once (shutdown). */
  signal?: AbortSignal;
}

export interface PostResult {
  /** The response's status; null when none came (refused, unreachable, timeout). */
  status: number | null;
  ok: boolean;
  /** Why the attempt failed, or a note on a successful one (body cut short). */
  error: string | null;
  /** The start of the response body. */
  body: string;
  durationMs: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const KEPT_BODY_CHARS = 1024;

export async function postWebhook(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const done = (result: Omit<PostResult, 'durationMs' | 'ok'>): PostResult => ({
    ...result,
    ok: result.status !== null && result.status >= 200 && result.status < 300,
    durationMs: Math.round(performance.now() - started),
  });
  const problem = targetUrlProblem(url, { requireHttps: options.requireHttps, allowed: options.allowed });
  if (problem) return done({ status: null, error: `URL ${problem}`, body: '' });
  const target = new URL(url);
  const host = hostOf(target);
  let address: { address: string; family: number };
  try {
    address = await checkedAddress(host, options.allowed);
  } catch (error) {
    return done({ status: null, error: (error as Error).message, body: '' });
  }
  const remaining = options.timeoutMs - (performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs' | 'ok'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(result));
    };
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        agent: false,
        lookup: pinned,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Keywarden-Webhooks/1',
        },
      },
      (response) => {
        const status = response.statusCode ?? null;
        const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
        const chunks: Buffer[] = [];
        let read = 0;
        const outcome = (note: string | null) => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, KEPT_BODY_CHARS);
          const redirect = status !== null && status >= 300 && status < 400 ? `redirect (${status}) not followed` : null;
          const failed = status !== null && (status < 200 || status >= 300) && !redirect ? `HTTP ${status}` : null;
          finish({ status, error: redirect ?? failed ?? note, body: text });
        };
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read <= limit) chunks.push(chunk);
          else {
            outcome(`response body longer than ${limit} bytes: not read further`);
            response.destroy();
          }
        });
        response.on('end', () => outcome(null));
        response.on('error', (error) => outcome(`response: ${error.message}`));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      finish({ status: null, error: `timed out after ${options.timeoutMs} ms`, body: '' });
    }, Math.max(1, remaining));
    request.on('error', (error) => finish({ status: null, error: error.message, body: '' }));
    const abort = () => {
      request.destroy();
      finish({ status: null, error: 'aborted', body: '' });
    };
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });
    request.end(body);
  });
}

/** The address to connect to: every address of the host must pass, the first is used. */
async function checkedAddress(host: string, allowed: readonly Cidr[]): Promise<{ address: string; family: number }> {
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw new Error(`cannot resolve the host: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (addresses.length === 0) throw new Error('the host resolves to no address');
  for (const { address } of addresses) {
    const problem = addressProblem(address, allowed);
    if (problem) throw new Error(`refused: the host ${problem}`);
  }
  return addresses[0]!;
}
