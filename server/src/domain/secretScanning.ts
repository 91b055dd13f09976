import { createPublicKey, verify, type KeyObject } from 'node:crypto';

// GitHub's secret-scanning partner program, the parts that need no I/O: its public keys file
// (the format of https://api.github.com/meta/public_keys/secret_scanning) and the signature of a
// report: ECDSA P-256 over SHA-256 of the raw request body, DER-encoded and base64'd in
// GITHUB-PUBLIC-KEY-SIGNATURE, made with the key GITHUB-PUBLIC-KEY-IDENTIFIER names.

/** The public keys by key_identifier (every key of the file, current or not: reports signed with an older key still arrive). */
export type SecretScanningKeys = ReadonlyMap<string, KeyObject>;

const MAX_KEYS = 100;
const KEY_IDENTIFIER = /^[A-Za-z0-9_-]{1,128}$/;

/** Reads a `{"public_keys":[{"key_identifier","key" (PEM),"is_current"}]}` document; throws an Error saying what is wrong. */
export function parseSecretScanningKeys(text: string): SecretScanningKeys {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error('is not JSON');
  }
  const list = (document as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(list) || list.length === 0) throw new Error('has no "public_keys" array with at least one key');
  if (list.length > MAX_KEYS) throw new Error(`has more than ${MAX_KEYS} keys`);
  const keys = new Map<string, KeyObject>();
  list.forEach((entry: unknown, i) => {
    const { key_identifier: id, key: pem } = (entry ?? {}) as { key_identifier?: unknown; key?: unknown };
    if (typeof id !== 'string' || !KEY_IDENTIFIER.test(id)) throw new Error(`public_keys[${i}].key_identifier is missing or not 1-128 of [A-Za-z0-9_-]`);
    if (typeof pem !== 'string') throw new Error(`public_keys[${i}].key is missing`);
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new Error(`public_keys[${i}].key is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`public_keys[${i}].key is not an ECDSA P-256 key`);
    }
    keys.set(id, key);
  });
  return keys;
}

export type SignatureCheck = 'VALID' | 'MISSING' | 'UNKNOWN_KEY' | 'INVALID';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** A DER ECDSA P-256 signature is at most 72 bytes (96 base64 characters). */
const MAX_SIGNATURE_LENGTH = 200;

/** Whether `body`, exactly as received, was signed by the key `identifier` names. Never throws. */
export function checkReportSignature(keys: SecretScanningKeys, identifier: string | null, signature: string | null, body: Uint8Array): SignatureCheck {
  if (!identifier || !signature) return 'MISSING';
  const key = keys.get(identifier);
  if (key === undefined) return 'UNKNOWN_KEY';
  if (signature.length > MAX_SIGNATURE_LENGTH || !BASE64.test(signature)) return 'INVALID';
  try {
    return verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64')) ? 'VALID' : 'INVALID';
  } catch {
    return 'INVALID';
  }
}
