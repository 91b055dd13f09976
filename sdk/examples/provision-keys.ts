// Provisions API keys for a list of services, as an automation script would.
//
//   KEYWARDEN_URL=http://localhost:4000 KEYWARDEN_TOKEN=kws_… \
//     node --import tsx examples/provision-keys.ts examples/services.json
//
// KEYWARDEN_TOKEN is a session token (`kws_…`, from `sessions.login`) or an API key holding
// scopes:write, groups:write and keys:write. The script
//   1. adds the services' resource scopes to the tenant's catalogue (if missing),
//   2. creates the group (or reuses one of that name),
//   3. creates one key per service in the group and prints each secret ONCE, on stdout:
//        <service><TAB><key>
//      (pipe it into your secret store; Keywarden cannot show a secret again),
//   4. then acts as one of the new keys (the one holding keys:read): lists the group's keys through
//      the management API, and verifies another service's key like a resource server would.
// Progress goes to stderr.
import { readFile } from 'node:fs/promises';
import { ConflictError, KeywardenError, createClient, isWellFormedKey, type ExpiresIn, type GroupId, type IpRuleInput } from '@keywarden/sdk';

interface ServicesFile {
  group: { name: string; description?: string; ipRules?: IpRuleInput[] };
  services: { name: string; scopes: string[]; expiresIn?: ExpiresIn; description?: string }[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  const url = process.env.KEYWARDEN_URL ?? 'http://localhost:4000';
  const token = process.env.KEYWARDEN_TOKEN;
  if (!file || !token) throw new Error('usage: KEYWARDEN_TOKEN=… provision-keys.ts <services.json>');
  const config = JSON.parse(await readFile(file, 'utf8')) as ServicesFile;

  // A session token or an API key (checked offline before anything is sent).
  const admin = createClient(/^kw[sp]_/.test(token) ? { url, sessionToken: token } : { url, apiKey: token });

  // 1. Resource scopes (management scopes such as keys:read exist already).
  const management = new Set((await admin.scopes.management()).map((s) => s.name));
  const wanted = [...new Set(config.services.flatMap((s) => s.scopes))].filter((s) => !management.has(s));
  for (const name of wanted) {
    try {
      await admin.scopes.create({ name });
      log(`scope ${name}: created`);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      log(`scope ${name}: exists`);
    }
  }

  // 2. The group.
  let groupId: GroupId;
  try {
    groupId = (await admin.groups.create({ name: config.group.name, description: config.group.description, ipRules: config.group.ipRules })).id;
    log(`group ${config.group.name}: created`);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const existing = await admin.groups.list({ filter: { search: config.group.name } }).toArray();
    groupId = existing.find((g) => g.name === config.group.name)!.id;
    log(`group ${config.group.name}: exists`);
  }

  // 3. One key per service; each secret is printed once.
  const issued = new Map<string, { secret: string; scopes: string[] }>();
  for (const service of config.services) {
    const { apiKey, secret } = await admin.keys.create({
      name: service.name,
      description: service.description,
      groupId,
      scopes: service.scopes,
      expiresIn: service.expiresIn,
    });
    process.stdout.write(`${service.name}\t${secret}\n`);
    log(`key ${service.name}: ${apiKey.maskedKey} (${apiKey.id}), expires ${apiKey.expiresAt ?? 'never'}`);
    issued.set(service.name, { secret, scopes: service.scopes });
  }

  // 4. Use one of the new keys: it reads the management API and verifies the others.
  const auditor = [...issued].find(([, key]) => key.scopes.includes('keys:read'));
  if (!auditor) return;
  const [auditorName, { secret, scopes }] = auditor;
  if (!isWellFormedKey(secret)) throw new Error('the server returned a malformed key');
  const asService = createClient({ url, apiKey: secret });
  const inGroup = await asService.keys.list({ filter: { groupId, status: 'ACTIVE' } }).toArray();
  log(`${auditorName} sees ${inGroup.length} active keys in ${config.group.name}`);

  if (scopes.includes('keys:verify')) {
    for (const [name, key] of issued) {
      if (name === auditorName) continue;
      const verdict = await asService.verify({ key: key.secret, scopes: key.scopes.slice(0, 1), ip: '127.0.0.1' });
      log(`verify ${name} for ${key.scopes[0]}: ${verdict.code}`);
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof KeywardenError) log(`${error.name} (${error.code}): ${error.message}`);
  else log(String(error instanceof Error ? error.stack : error));
  process.exit(1);
});
