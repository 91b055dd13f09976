// Compile-time checks (`pnpm typecheck`, never run): each misuse below must fail to compile, so each
// carries `@ts-expect-error` — if a type loosens and the line compiles, tsc reports the unused
// directive. The same behaviours are exercised at run time in typeSafety.test.ts.
import { asId, createClient, type ApiKey, type GroupId, type KeyId, type VerifyResult } from '../src/index.ts';
import { graphql } from '../src/graphql.ts';

declare const keyId: KeyId;
declare const groupId: GroupId;
declare const text: string;
declare const verdict: VerifyResult;
declare const key: ApiKey;

export async function misuses(): Promise<void> {
  const kw = createClient({ url: 'http://localhost:4000', apiKey: 'acme_pk_x' });

  // --- one credential at a time
  // @ts-expect-error: two credentials
  createClient({ url: 'http://localhost:4000', apiKey: 'acme_pk_x', sessionToken: 'kws_x' });
  // @ts-expect-error: two credentials
  kw.withCredentials({ platformToken: 'kwp_x', credential: { type: 'bearer', token: 't' } });
  createClient({ url: 'http://localhost:4000' });
  createClient({ url: 'http://localhost:4000', sessionToken: 'kws_x' });

  // --- ids typed by their prefix
  // @ts-expect-error: a group id where a key id belongs
  await kw.keys.disable(groupId);
  // @ts-expect-error: a plain string is not known to be a key id
  await kw.keys.get(text);
  // @ts-expect-error: a key id as a group
  await kw.keys.create({ name: 'x', groupId: keyId });
  // @ts-expect-error: a key id where a group's id belongs
  await kw.groups.delete({ id: keyId, revokeKeys: true });
  await kw.keys.disable(keyId);
  await kw.keys.disable(key.id);
  await kw.keys.get(asId('key', text));
  const typedGroup: GroupId = (await kw.groups.get(groupId)).id;
  // @ts-expect-error: a key's id is no group id
  const wrongGroup: GroupId = key.id;

  // --- expiresIn: presets or a duration
  await kw.keys.create({ name: 'x', expiresIn: '1d' });
  await kw.keys.create({ name: 'x', expiresIn: { days: 30 } });
  await kw.keys.update({ id: keyId, expiresIn: { hours: 12, minutes: 30 } });
  // @ts-expect-error: not a preset
  await kw.keys.create({ name: 'x', expiresIn: '30d' });
  // @ts-expect-error: not a duration unit
  await kw.keys.create({ name: 'x', expiresIn: { weeks: 2 } });
  // @ts-expect-error: any string
  await kw.keys.create({ name: 'x', expiresIn: text });

  // --- DateTime as Date, both ways
  const created: Date = key.createdAt;
  const lastUsed: Date | null = key.lastUsedAt;
  // @ts-expect-error: results hold Dates, not strings
  const asText: string = key.createdAt;
  await kw.keys.create({ name: 'x', expiresAt: new Date(Date.now() + 86_400_000) });
  await kw.keys.create({ name: 'x', expiresAt: '2030-01-01T00:00:00Z' });
  // @ts-expect-error: a number is no DateTime
  await kw.keys.create({ name: 'x', expiresAt: 1_900_000_000_000 });

  // --- VerifyResult narrows on `valid`
  if (verdict.valid) {
    const id: KeyId = verdict.keyId;
    const scopes: string[] = verdict.scopes;
    const code: 'VALID' = verdict.code;
    void [id, scopes, code];
  } else {
    // @ts-expect-error: a refusal's key id may be null
    const id: KeyId = verdict.keyId;
    // @ts-expect-error: a refusal is never VALID
    const code: 'VALID' = verdict.code;
    void [id, code];
  }
  // @ts-expect-error: without narrowing, keyId may be null
  const anyId: KeyId = verdict.keyId;

  // --- custom operations
  const Custom = graphql<{ apiKey: { name: string } | null }, { id: string }>('query C($id: ID!) { apiKey(id: $id) { name } }');
  const name: string | undefined = (await kw.request(Custom, { id: keyId })).apiKey?.name;
  // @ts-expect-error: the variables are typed
  await kw.request(Custom, { key: keyId });
  // @ts-expect-error: an untyped document is `unknown`, which request() refuses
  await kw.request(graphql('query { viewer { kind } }'), {});

  void [typedGroup, wrongGroup, created, lastUsed, asText, anyId, name];
}
