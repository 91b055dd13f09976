import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { resolveCredential, type CredentialFields, type CredentialOptions } from './credentials.ts';
import { ViewerQuery } from './operations/viewer.ts';
import { auditResource } from './resources/audit.ts';
import { groupsResource } from './resources/groups.ts';
import { ipRulesResource } from './resources/ipRules.ts';
import { webhooksResource } from './resources/webhooks.ts';
import { keysResource } from './resources/keys.ts';
import { identitiesResource } from './resources/identities.ts';
import { membersResource } from './resources/members.ts';
import { rolesResource } from './resources/roles.ts';
import { routeMapsResource } from './resources/routeMaps.ts';
import { scopesResource } from './resources/scopes.ts';
import { sessionsResource } from './resources/sessions.ts';
import { tenantsResource } from './resources/tenants.ts';
import { verify, type VerifyOptions, type VerifyRequest } from './resources/verify.ts';
import { Transport, type CallOptions, type SubscribeOptions, type TransportOptions } from './transport.ts';
import type { ServerSentEvent } from './transport/streams.ts';
import type { VerifyResult, Viewer } from './types.ts';

/** The server and settings (TransportOptions) and at most one credential (CredentialOptions). */
export type ClientOptions = TransportOptions & CredentialOptions;

/**
 * A typed client for one Keywarden server and one credential. Every method returns plain data or
 * throws a KeywardenError subclass; list methods are async iterables over all pages.
 */
export class KeywardenClient {
  /** The server's base URL (without `/graphql`). */
  readonly url: string;
  readonly tenants: ReturnType<typeof tenantsResource>;
  readonly members: ReturnType<typeof membersResource>;
  readonly sessions: ReturnType<typeof sessionsResource>;
  readonly roles: ReturnType<typeof rolesResource>;
  readonly scopes: ReturnType<typeof scopesResource>;
  readonly groups: ReturnType<typeof groupsResource>;
  readonly keys: ReturnType<typeof keysResource>;
  readonly identities: ReturnType<typeof identitiesResource>;
  readonly ipRules: ReturnType<typeof ipRulesResource>;
  readonly webhooks: ReturnType<typeof webhooksResource>;
  /** Forward-auth's route map (which scopes each route of your API needs). */
  readonly routeMap: ReturnType<typeof routeMapsResource>;
  readonly audit: ReturnType<typeof auditResource>;

  /** @internal use createClient() */
  constructor(
    private readonly options: ClientOptions,
    private readonly transport: Transport = new Transport(options, resolveCredential(options)),
  ) {
    this.url = transport.baseUrl;
    this.tenants = tenantsResource(transport);
    this.members = membersResource(transport);
    this.sessions = sessionsResource(transport);
    this.roles = rolesResource(transport);
    this.scopes = scopesResource(transport);
    this.groups = groupsResource(transport);
    this.keys = keysResource(transport);
    this.identities = identitiesResource(transport);
    this.ipRules = ipRulesResource(transport);
    this.webhooks = webhooksResource(transport);
    this.routeMap = routeMapsResource(transport);
    this.audit = auditResource(transport);
  }

  /** Who the server takes this client's credential to be (kind, tenant, scopes, address). */
  async viewer(call?: CallOptions): Promise<Viewer> {
    return (await this.transport.request(ViewerQuery, {}, call)).viewer;
  }

  /**
   * Whether a credential presented to your API may act (needs keys:verify). A refusal is a result
   * with `valid: false` and a `code`; see also `requireKey()` for a ready-made guard.
   */
  verify(input: VerifyRequest, options?: VerifyOptions): Promise<VerifyResult> {
    return verify(this.transport, input, options);
  }

  /**
   * The tenant's credential changes as server-sent events (`ready`, `invalidate`, `reset`; needs
   * keys:verify), from after `lastEventId` when given. What `requireKey({ cache: true })` follows;
   * ends when the server ends the stream.
   */
  invalidations(options: SubscribeOptions & { lastEventId?: string } = {}): AsyncGenerator<ServerSentEvent, void, undefined> {
    const { lastEventId, ...rest } = options;
    return this.transport.getEvents('/v1/invalidations', lastEventId === undefined ? rest : { ...rest, headers: { ...rest.headers, 'last-event-id': lastEventId } });
  }

  /**
   * Runs any typed GraphQL document (e.g. one made with graphql-codegen against schema.graphql)
   * with this client's credential, retries and error classes.
   */
  request<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables, call?: CallOptions): Promise<TData> {
    return this.transport.request(document, variables, call);
  }

  /** Runs any typed GraphQL subscription over SSE: one result's data per event, until the server completes it. */
  subscribe<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables, options?: SubscribeOptions): AsyncGenerator<TData, void, undefined> {
    return this.transport.subscribe(document, variables, options);
  }

  /** A client with the same settings and another credential, e.g. the session from `sessions.login()`. */
  withCredentials(credentials: CredentialOptions): KeywardenClient {
    const { apiKey: _a, sessionToken: _s, platformToken: _p, credential: _c, ...settings } = this.options as TransportOptions & CredentialFields;
    const options = { ...settings, ...credentials };
    return new KeywardenClient(options as ClientOptions, this.transport.withCredential(resolveCredential(credentials as CredentialFields)));
  }
}

/**
 * ```ts
 * const kw = createClient({ url: 'http://localhost:4000', apiKey: process.env.KEYWARDEN_KEY });
 * const { secret } = await kw.keys.create({ name: 'billing', scopes: ['invoices:read'] });
 * ```
 * A malformed `apiKey` throws MalformedKeyError here, before anything is sent.
 */
export function createClient(options: ClientOptions): KeywardenClient {
  return new KeywardenClient(options);
}
