import type { Page } from 'playwright-core';
import type { BuiltIn } from '../../server/src/domain/scopes.ts';
import { PASSWORD, setPassword, type ConsoleUnderTest } from './harness.ts';

// Shared steps of the groups, scopes and settings tests.

/** A member of the test tenant with the role, logged in (its own browser context). */
export async function memberLoggedIn(c: ConsoleUnderTest, role: BuiltIn) {
  const member = await c.tenant.addMember(role);
  await setPassword(c.t, member.id, PASSWORD);
  const opened = await c.loggedIn({ email: member.email });
  return { ...opened, member };
}

/** Opens a console page by its path and waits for its heading. */
export async function openPage(c: ConsoleUnderTest, page: Page, path: string, heading: string): Promise<void> {
  await page.goto(`${c.origin}/console${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Gives the member another role through the API (which makes every session see it at once). */
export async function changeRole(c: ConsoleUnderTest, memberId: string, role: BuiltIn): Promise<void> {
  const result = await c.t.graphql(
    'mutation($input: UpdateMemberInput!) { updateMember(input: $input) { __typename ... on Error { message } } }',
    { input: { id: memberId, roleId: c.tenant.roles[role] } },
    { token: c.tenant.owner.token },
  );
  if (result.data?.updateMember.__typename !== 'MemberPayload') throw new Error(`updateMember: ${result.body}`);
}
