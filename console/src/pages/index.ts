import type { ComponentType } from 'react';
import { AuditPage } from './audit/AuditPage.tsx';
import { ExplainPage } from './explain/ExplainPage.tsx';
import { GroupsPage } from './groups/GroupsPage.tsx';
import { KeyPage } from './keys/KeyPage.tsx';
import { KeysPage } from './keys/KeysPage.tsx';
import { MembersPage } from './members/MembersPage.tsx';
import { RolesPage } from './roles/RolesPage.tsx';
import { ScopesPage } from './scopes/ScopesPage.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';

// Every page of the console: its path pattern (params as `:name`), and its place in the navigation.

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface ConsolePage {
  path: string;
  component: ComponentType<PageProps>;
  /** The navigation's label; pages without one are reached from another page. */
  nav?: string;
}

export const PAGES: readonly ConsolePage[] = [
  { path: '/keys', component: KeysPage, nav: 'Keys' },
  { path: '/keys/:id', component: KeyPage },
  { path: '/explain', component: ExplainPage, nav: 'Why refused?' },
  { path: '/groups', component: GroupsPage, nav: 'Groups' },
  { path: '/members', component: MembersPage, nav: 'Members' },
  { path: '/roles', component: RolesPage, nav: 'Roles' },
  { path: '/scopes', component: ScopesPage, nav: 'Scopes' },
  { path: '/audit', component: AuditPage, nav: 'Audit' },
  { path: '/settings', component: SettingsPage, nav: 'Settings' },
];
