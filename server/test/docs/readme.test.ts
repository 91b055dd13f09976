import { readFileSync } from 'node:fs';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { platformToken } from '../harness/fixtures.ts';

// The README's "A first tenant, by hand" and "A key for an automation script", run as written:
// every ```graphql block of those sections, in order, over HTTP against a listening server. A
// block's `# as <who>` line names the credential (platform, nobody, or a value kept earlier),
// `# keep <name> = <path>` keeps a value of the answer for later blocks' variables, and
// `# expect <path> = <JSON>` checks one. A block that answers an error fails the test.

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

interface Step {
  source: string;
  as: string;
  keep: { name: string; path: string }[];
  expect: { path: string; value: unknown }[];
}

/** The ```graphql blocks between a `## title` heading and the next `## ` heading. */
function walkThrough(markdown: string, title: string): Step[] {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section "${title}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map(([, source]) => {
    const lines = source!.split('\n');
    const as = /^# as (\S+)$/.exec(lines[0] ?? '')?.[1];
    if (as === undefined) throw new Error(`a README block does not start with "# as <who>":\n${source}`);
    const keep = lines.flatMap((l) => { const m = /^# keep (\w+) = (\S+)$/.exec(l); return m ? [{ name: m[1]!, path: m[2]! }] : []; });
    const expectations = lines.flatMap((l) => { const m = /^# expect (\S+) = (.+)$/.exec(l); return m ? [{ path: m[1]!, value: JSON.parse(m[2]!) }] : []; });
    return { source: source!, as, keep, expect: expectations };
  });
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<any>((v, segment) => (v == null ? undefined : v[segment]), value);
}

let t: TestApp;
let server: Listening;
const kept = new Map<string, string>();
const bodies: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  server = await listen(t.app);
  kept.set('platform', await platformToken(t.app));
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

async function run(step: Step): Promise<Record<string, unknown>> {
  const document = parse(step.source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => {
    const name = v.variable.name.value;
    if (!kept.has(name)) throw new Error(`$${name} is used before a block keeps it:\n${step.source}`);
    return [name, kept.get(name)];
  }));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (step.as !== 'nobody') {
    const credential = kept.get(step.as);
    if (credential === undefined) throw new Error(`"# as ${step.as}": nothing kept under that name`);
    headers.authorization = `Bearer ${credential}`;
  }
  const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: step.source, variables }) });
  const body = await response.text();
  bodies.push(body);
  const result = JSON.parse(body);
  expect(result.errors, step.source).toBeUndefined();
  for (const [field, value] of Object.entries(result.data as Record<string, any>)) {
    // A typed error of a result union (`... on Error { message }`).
    expect(value?.message, `${field} answered an error:\n${step.source}`).toBeUndefined();
  }
  for (const { name, path } of step.keep) {
    const value = at(result.data, path);
    expect(typeof value, `# keep ${name} = ${path}: ${body}`).toBe('string');
    kept.set(name, value as string);
  }
  for (const { path, value } of step.expect) expect(at(result.data, path), `# expect ${path}`).toEqual(value);
  return result.data;
}

describe('the README runs as written', () => {
  it('"A first tenant, by hand": tenant, OWNER, session, scope, key, verification', async () => {
    const steps = walkThrough(README, 'A first tenant, by hand');
    expect(steps.length).toBeGreaterThanOrEqual(7);
    const firstTenant = steps.slice(0, steps.findIndex((s) => s.source.includes('createRole')));
    for (const step of firstTenant) await run(step);
    expect(kept.get('key')).toMatch(/^kw_/);
  });

  it('"A key for an automation script": its own member and role, ownerId on every createKey', async () => {
    const steps = walkThrough(README, 'A first tenant, by hand');
    const recipe = steps.slice(steps.findIndex((s) => s.source.includes('createRole')));
    expect(recipe.length).toBeGreaterThanOrEqual(4);
    let last: Record<string, any> = {};
    for (const step of recipe) last = await run(step);
    const issued = last.createKey;
    expect(issued.apiKey.createdBy).toMatchObject({ type: 'API_KEY', displayName: 'provisioning script' });

    // Without ownerId, or for an owner whose role holds more than the script's key, the script is refused.
    const script = { authorization: `Bearer ${kept.get('script')}`, 'content-type': 'application/json' };
    const ask = async (input: string) => (await (await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: 'POST', headers: script,
      body: JSON.stringify({ query: `mutation { createKey(input: ${input}) { __typename ... on Error { message } } }` }),
    })).json()).data.createKey;
    expect(await ask('{ name: "no owner", scopes: ["tickets:read"] }')).toMatchObject({ __typename: 'ValidationError' });
    const ownerId = (await t.app.db.prisma.member.findFirstOrThrow({ where: { email: 'ada@acme.example' } })).id;
    expect(await ask(`{ name: "for the OWNER", ownerId: "${ownerId}", scopes: ["tickets:read"] }`)).toMatchObject({ __typename: 'ForbiddenError', message: expect.stringMatching(/holds scopes the caller lacks/) });

    // The key the script made verifies; no answer of the walk-through repeats a key after its creation.
    const verdict = await fetch(`http://127.0.0.1:${server.port}/v1/verify`, {
      method: 'POST', headers: { authorization: `Bearer ${kept.get('owner')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: issued.key, scopes: ['tickets:read'] }),
    });
    expect(await verdict.json()).toMatchObject({ valid: true, keyId: issued.apiKey.id });
    const created = bodies.filter((b) => b.includes(issued.key));
    expect(created).toHaveLength(1);
    expect(t.logs.text()).not.toContain(kept.get('script'));
  });
});
