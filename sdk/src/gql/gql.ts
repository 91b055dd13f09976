/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AuditEventFields on AuditEvent {\n    id\n    tenantId\n    seq\n    actorType\n    actorId\n    actorPublicId\n    action\n    targetType\n    targetId\n    ip\n    userAgent\n    requestId\n    changes\n    createdAt\n    prevHash\n    hash\n  }\n": typeof types.AuditEventFieldsFragmentDoc,
    "\n  query ListAuditEvents($first: Int, $after: String, $filter: AuditEventFilter, $tenantId: ID) {\n    auditEvents(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n": typeof types.ListAuditEventsDocument,
    "\n  query VerifyAuditChain($tenantId: ID) {\n    verifyAuditChain(tenantId: $tenantId) {\n      ok\n      checkedEvents\n      firstSeq\n      lastSeq\n      lastHash\n      firstBrokenSeq\n      firstBrokenEventId\n      reason\n    }\n  }\n": typeof types.VerifyAuditChainDocument,
    "\n  subscription AuditEventsStream($afterId: ID, $tenantId: ID) {\n    auditEvents(afterId: $afterId, tenantId: $tenantId) {\n      ...AuditEventFields\n    }\n  }\n": typeof types.AuditEventsStreamDocument,
    "\n  fragment ErrorFields on Error {\n    __typename\n    message\n    code\n    ... on ValidationError {\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on ForbiddenError {\n      missingScopes\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on NotFoundError {\n      resource\n    }\n    ... on RateLimitedError {\n      retryAfter\n    }\n  }\n": typeof types.ErrorFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": typeof types.PageInfoFieldsFragmentDoc,
    "\n  fragment GroupFields on Group {\n    id\n    name\n    description\n    defaultScopes\n    limitsScopes\n    scopeLimit\n    defaultExpirySeconds\n    tokenTtlSeconds\n    keyCount\n    ipRules {\n      ...IpRuleFields\n    }\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n    }\n    createdAt\n    updatedAt\n  }\n": typeof types.GroupFieldsFragmentDoc,
    "\n  fragment GroupPayloadFields on GroupPayload {\n    __typename\n    group {\n      ...GroupFields\n    }\n  }\n": typeof types.GroupPayloadFieldsFragmentDoc,
    "\n  query ListGroups($first: Int, $after: String, $filter: GroupFilter) {\n    groups(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...GroupFields\n        }\n      }\n    }\n  }\n": typeof types.ListGroupsDocument,
    "\n  query GetGroup($id: ID!) {\n    group(id: $id) {\n      ...GroupFields\n    }\n  }\n": typeof types.GetGroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateGroupDocument,
    "\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.UpdateGroupDocument,
    "\n  mutation DeleteGroup($input: DeleteGroupInput!) {\n    deleteGroup(input: $input) {\n      __typename\n      ... on DeleteGroupPayload {\n        deletedGroupId\n        movedKeyCount\n        revokedKeyCount\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.DeleteGroupDocument,
    "\n  fragment IdentityFields on Identity {\n    externalId\n    keyCount\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    rateLimitStatus {\n      name\n      counting\n      source\n      limit\n      windowMs\n      remaining\n      resetAt\n    }\n    createdAt\n    updatedAt\n  }\n": typeof types.IdentityFieldsFragmentDoc,
    "\n  query GetIdentity($externalId: String!) {\n    identity(externalId: $externalId) {\n      ...IdentityFields\n    }\n  }\n": typeof types.GetIdentityDocument,
    "\n  mutation SetIdentityLimits($input: SetIdentityLimitsInput!) {\n    setIdentityLimits(input: $input) {\n      __typename\n      ... on IdentityPayload {\n        identity {\n          ...IdentityFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.SetIdentityLimitsDocument,
    "\n  fragment IpRuleFields on IpRule {\n    id\n    action\n    cidr\n    description\n    level\n    createdAt\n  }\n": typeof types.IpRuleFieldsFragmentDoc,
    "\n  fragment IpRulePayloadFields on IpRulePayload {\n    __typename\n    ipRule {\n      ...IpRuleFields\n    }\n  }\n": typeof types.IpRulePayloadFieldsFragmentDoc,
    "\n  query TenantIpRules($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n": typeof types.TenantIpRulesDocument,
    "\n  query GroupIpRules($groupId: ID!) {\n    group(id: $groupId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n": typeof types.GroupIpRulesDocument,
    "\n  query KeyIpRules($apiKeyId: ID!) {\n    apiKey(id: $apiKeyId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n": typeof types.KeyIpRulesDocument,
    "\n  mutation CreateIpRule($input: CreateIpRuleInput!) {\n    createIpRule(input: $input) {\n      ...IpRulePayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateIpRuleDocument,
    "\n  mutation DeleteIpRule($id: ID!) {\n    deleteIpRule(id: $id) {\n      __typename\n      ... on DeleteIpRulePayload {\n        deletedIpRuleId\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.DeleteIpRuleDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    publicId\n    maskedKey\n    name\n    description\n    contactEmail\n    status\n    scopes\n    effectiveScopes\n    endpoints\n    ipRules {\n      ...IpRuleFields\n    }\n    expiresAt\n    rotationGraceEndsAt\n    rotation {\n      state\n      graceEndsAt\n      waitUntil\n      gracePeriodSeconds\n    }\n    metadata\n    createdBy {\n      type\n      id\n      displayName\n    }\n    tokenTtlSeconds\n    tokenExchangeOnly\n    canary\n    lastUsedAt\n    lastUsedIp\n    usageCount\n    revokedAt\n    revokedReason\n    createdAt\n    updatedAt\n    externalId\n    rateLimit {\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n      nextRefillAt\n    }\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  fragment ApiKeyPayloadFields on ApiKeyPayload {\n    __typename\n    apiKey {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.ApiKeyPayloadFieldsFragmentDoc,
    "\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n": typeof types.ListKeysDocument,
    "\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.GetKeyDocument,
    "\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal {\n        level\n        reason\n        cidr\n        rule {\n          ...IpRuleFields\n        }\n      }\n      apiKey {\n        id\n        publicId\n        name\n        status\n      }\n    }\n  }\n": typeof types.ExplainAccessDocument,
    "\n  mutation CreateKey($input: CreateKeyInput!) {\n    createKey(input: $input) {\n      __typename\n      ... on CreateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateKeyDocument,
    "\n  mutation CreateKeys($input: CreateKeysInput!) {\n    createKeys(input: $input) {\n      __typename\n      ... on CreateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          created {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateKeysDocument,
    "\n  mutation RotateKeys($input: RotateKeysInput!) {\n    rotateKeys(input: $input) {\n      __typename\n      ... on RotateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          rotated {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.RotateKeysDocument,
    "\n  mutation UpdateKey($input: UpdateKeyInput!) {\n    updateKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.UpdateKeyDocument,
    "\n  mutation DisableKey($id: ID!) {\n    disableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.DisableKeyDocument,
    "\n  mutation EnableKey($id: ID!) {\n    enableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.EnableKeyDocument,
    "\n  mutation RevokeKey($input: RevokeKeyInput!) {\n    revokeKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.RevokeKeyDocument,
    "\n  mutation DeleteKey($id: ID!) {\n    deleteKey(id: $id) {\n      __typename\n      ... on DeleteKeyPayload {\n        deletedKeyId\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.DeleteKeyDocument,
    "\n  mutation RotateKey($input: RotateKeyInput!) {\n    rotateKey(input: $input) {\n      __typename\n      ... on RotateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.RotateKeyDocument,
    "\n  mutation BulkUpdateKeys($input: BulkUpdateKeysInput!) {\n    bulkUpdateKeys(input: $input) {\n      __typename\n      ... on BulkUpdateKeysPayload {\n        count\n        keyIds\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.BulkUpdateKeysDocument,
    "\n  fragment AccessTokenFields on AccessToken {\n    id\n    scopes\n    status\n    expiresAt\n    revokedAt\n    issuedIp\n    createdAt\n  }\n": typeof types.AccessTokenFieldsFragmentDoc,
    "\n  fragment AccessTokenPayloadFields on AccessTokenPayload {\n    __typename\n    accessToken {\n      ...AccessTokenFields\n    }\n  }\n": typeof types.AccessTokenPayloadFieldsFragmentDoc,
    "\n  query ListAccessTokens($keyId: ID!, $first: Int, $after: String) {\n    apiKey(id: $keyId) {\n      accessTokens(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...AccessTokenFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.ListAccessTokensDocument,
    "\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id) {\n      ...AccessTokenPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.RevokeAccessTokenDocument,
    "\n  query KeyLimits($id: ID!) {\n    apiKey(id: $id) {\n      id\n      rateLimit {\n        limit\n        windowMs\n      }\n      namedRateLimits {\n        name\n        limit\n        windowMs\n      }\n      credits {\n        remaining\n        refill {\n          amount\n          intervalSeconds\n        }\n        nextRefillAt\n      }\n      rateLimitStatus {\n        name\n        counting\n        source\n        limit\n        windowMs\n        remaining\n        resetAt\n      }\n    }\n  }\n": typeof types.KeyLimitsDocument,
    "\n  mutation ReportLeakedKey($input: ReportLeakedKeyInput!) {\n    reportLeakedKey(input: $input) {\n      __typename\n      ... on ReportLeakedKeyPayload {\n        keyId\n        policy\n        status\n        alreadyReported\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.ReportLeakedKeyDocument,
    "\n  query KeyNetworks($id: ID!) {\n    apiKey(id: $id) {\n      id\n      networks {\n        network\n        firstSeenAt\n        lastSeenAt\n        lastAddress\n      }\n    }\n  }\n": typeof types.KeyNetworksDocument,
    "\n  fragment MemberFields on Member {\n    id\n    email\n    name\n    status\n    hasPassword\n    apiKeyCount\n    createdAt\n    updatedAt\n  }\n": typeof types.MemberFieldsFragmentDoc,
    "\n  fragment MemberPayloadFields on MemberPayload {\n    __typename\n    member {\n      ...MemberFields\n    }\n  }\n": typeof types.MemberPayloadFieldsFragmentDoc,
    "\n  query ListMembers($first: Int, $after: String, $filter: MemberFilter, $tenantId: ID) {\n    members(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n": typeof types.ListMembersDocument,
    "\n  query GetMember($id: ID!) {\n    member(id: $id) {\n      ...MemberFields\n    }\n  }\n": typeof types.GetMemberDocument,
    "\n  query Me {\n    me {\n      ...MemberFields\n      role {\n        id\n        name\n        builtIn\n        scopes\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateMemberDocument,
    "\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.UpdateMemberDocument,
    "\n  mutation DeactivateMember($id: ID!) {\n    deactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.DeactivateMemberDocument,
    "\n  mutation ReactivateMember($id: ID!) {\n    reactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.ReactivateMemberDocument,
    "\n  mutation DeleteMember($id: ID!) {\n    deleteMember(id: $id) {\n      __typename\n      ... on DeleteMemberPayload {\n        deletedMemberId\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.DeleteMemberDocument,
    "\n  mutation SetMemberPassword($input: SetMemberPasswordInput!) {\n    setMemberPassword(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.SetMemberPasswordDocument,
    "\n  fragment RoleFields on Role {\n    id\n    name\n    description\n    builtIn\n    scopes\n    memberCount\n    createdAt\n    updatedAt\n  }\n": typeof types.RoleFieldsFragmentDoc,
    "\n  fragment RolePayloadFields on RolePayload {\n    __typename\n    role {\n      ...RoleFields\n    }\n  }\n": typeof types.RolePayloadFieldsFragmentDoc,
    "\n  query ListRoles($first: Int, $after: String, $filter: RoleFilter, $tenantId: ID) {\n    roles(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...RoleFields\n        }\n      }\n    }\n  }\n": typeof types.ListRolesDocument,
    "\n  query GetRole($id: ID!) {\n    role(id: $id) {\n      ...RoleFields\n    }\n  }\n": typeof types.GetRoleDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateRoleDocument,
    "\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.UpdateRoleDocument,
    "\n  mutation DeleteRole($input: DeleteRoleInput!) {\n    deleteRole(input: $input) {\n      __typename\n      ... on DeleteRolePayload {\n        deletedRoleId\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.DeleteRoleDocument,
    "\n  fragment RouteMapFields on RouteMap {\n    defaultAction\n    routes {\n      pattern\n      scopes\n    }\n    updatedAt\n  }\n": typeof types.RouteMapFieldsFragmentDoc,
    "\n  query TenantRouteMap($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      routeMap {\n        ...RouteMapFields\n      }\n    }\n  }\n": typeof types.TenantRouteMapDocument,
    "\n  mutation SetRouteMap($input: SetRouteMapInput!) {\n    setRouteMap(input: $input) {\n      __typename\n      ... on RouteMapPayload {\n        routeMap {\n          ...RouteMapFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.SetRouteMapDocument,
    "\n  fragment ScopeFields on Scope {\n    id\n    name\n    description\n    createdAt\n  }\n": typeof types.ScopeFieldsFragmentDoc,
    "\n  fragment ScopePayloadFields on ScopePayload {\n    __typename\n    scope {\n      ...ScopeFields\n    }\n  }\n": typeof types.ScopePayloadFieldsFragmentDoc,
    "\n  query ListScopes($first: Int, $after: String, $filter: ScopeFilter, $tenantId: ID) {\n    scopes(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ScopeFields\n        }\n      }\n    }\n  }\n": typeof types.ListScopesDocument,
    "\n  query ManagementScopes {\n    managementScopes {\n      name\n      description\n    }\n  }\n": typeof types.ManagementScopesDocument,
    "\n  mutation CreateScope($input: CreateScopeInput!) {\n    createScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateScopeDocument,
    "\n  mutation UpdateScope($input: UpdateScopeInput!) {\n    updateScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.UpdateScopeDocument,
    "\n  mutation DeleteScope($input: DeleteScopeInput!) {\n    deleteScope(input: $input) {\n      __typename\n      ... on DeleteScopePayload {\n        deletedScopeId\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.DeleteScopeDocument,
    "\n  fragment SessionFields on Session {\n    id\n    current\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n    ip\n    userAgent\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  fragment SessionPayloadFields on SessionPayload {\n    __typename\n    session {\n      ...SessionFields\n    }\n  }\n": typeof types.SessionPayloadFieldsFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginPayload {\n        token\n        expiresAt\n        member {\n          ...MemberFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.LogoutDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.RevokeSessionDocument,
    "\n  query MemberSessions($memberId: ID!, $first: Int, $after: String) {\n    member(id: $memberId) {\n      id\n      sessions(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...SessionFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.MemberSessionsDocument,
    "\n  fragment TenantFields on Tenant {\n    id\n    name\n    slug\n    status\n    apiEnabled\n    keyPrefix\n    maxKeyLifetimeSeconds\n    defaultTokenTtlSeconds\n    maxTokenTtlSeconds\n    allowQueryParamKey\n    auditRetentionDays\n    leakedKeyPolicy\n    createdAt\n    updatedAt\n  }\n": typeof types.TenantFieldsFragmentDoc,
    "\n  fragment TenantPayloadFields on TenantPayload {\n    __typename\n    tenant {\n      ...TenantFields\n    }\n  }\n": typeof types.TenantPayloadFieldsFragmentDoc,
    "\n  query ListTenants($first: Int, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...TenantFields\n        }\n      }\n    }\n  }\n": typeof types.ListTenantsDocument,
    "\n  query GetTenant($id: ID) {\n    tenant(id: $id) {\n      ...TenantFields\n    }\n  }\n": typeof types.GetTenantDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateTenantDocument,
    "\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.UpdateTenantDocument,
    "\n  mutation SuspendTenant($id: ID!) {\n    suspendTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.SuspendTenantDocument,
    "\n  mutation ResumeTenant($id: ID!) {\n    resumeTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": typeof types.ResumeTenantDocument,
    "\n  query Verify($input: VerifyInput!) {\n    verify(input: $input) {\n      valid\n      code\n      message\n      credentialType\n      keyId\n      publicId\n      tokenId\n      tenantId\n      ownerId\n      name\n      scopes\n      metadata\n      expiresAt\n      rateLimit {\n        limit\n        remaining\n        resetAt\n      }\n      rateLimits {\n        name\n        level\n        limit\n        remaining\n        resetAt\n      }\n      remainingUses\n      cacheableUntil\n      missingScopes\n      retryAfter\n      limitName\n    }\n  }\n": typeof types.VerifyDocument,
    "\n  query Viewer {\n    viewer {\n      kind\n      tenantId\n      address\n      scopes\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    description\n    eventTypes\n    status\n    disabledReason\n    failingSince\n    secretRotatedAt\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n": typeof types.WebhookEndpointFieldsFragmentDoc,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventType\n    status\n    attempts\n    payload\n    nextAttemptAt\n    lastAttemptAt\n    lastResponseStatus\n    lastError\n    deliveredAt\n    createdAt\n    attemptLog {\n      attempt\n      startedAt\n      durationMs\n      responseStatus\n      error\n    }\n  }\n": typeof types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query ListWebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      edges { node { ...WebhookEndpointFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n": typeof types.ListWebhookEndpointsDocument,
    "\n  query WebhookDeliveries($endpointId: ID, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {\n      edges { node { ...WebhookDeliveryFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": typeof types.UpdateWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": typeof types.RotateWebhookSecretDocument,
    "\n  mutation PauseWebhookEndpoint($id: ID!) {\n    pauseWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": typeof types.PauseWebhookEndpointDocument,
    "\n  mutation ResumeWebhookEndpoint($id: ID!) {\n    resumeWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": typeof types.ResumeWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id) {\n      __typename\n      ... on DeleteWebhookEndpointPayload { deletedWebhookEndpointId }\n      ...ErrorFields\n    }\n  }\n": typeof types.DeleteWebhookEndpointDocument,
    "\n  mutation RedeliverWebhook($id: ID!) {\n    redeliverWebhook(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload { delivery { ...WebhookDeliveryFields } }\n      ...ErrorFields\n    }\n  }\n": typeof types.RedeliverWebhookDocument,
};
const documents: Documents = {
    "\n  fragment AuditEventFields on AuditEvent {\n    id\n    tenantId\n    seq\n    actorType\n    actorId\n    actorPublicId\n    action\n    targetType\n    targetId\n    ip\n    userAgent\n    requestId\n    changes\n    createdAt\n    prevHash\n    hash\n  }\n": types.AuditEventFieldsFragmentDoc,
    "\n  query ListAuditEvents($first: Int, $after: String, $filter: AuditEventFilter, $tenantId: ID) {\n    auditEvents(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n": types.ListAuditEventsDocument,
    "\n  query VerifyAuditChain($tenantId: ID) {\n    verifyAuditChain(tenantId: $tenantId) {\n      ok\n      checkedEvents\n      firstSeq\n      lastSeq\n      lastHash\n      firstBrokenSeq\n      firstBrokenEventId\n      reason\n    }\n  }\n": types.VerifyAuditChainDocument,
    "\n  subscription AuditEventsStream($afterId: ID, $tenantId: ID) {\n    auditEvents(afterId: $afterId, tenantId: $tenantId) {\n      ...AuditEventFields\n    }\n  }\n": types.AuditEventsStreamDocument,
    "\n  fragment ErrorFields on Error {\n    __typename\n    message\n    code\n    ... on ValidationError {\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on ForbiddenError {\n      missingScopes\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on NotFoundError {\n      resource\n    }\n    ... on RateLimitedError {\n      retryAfter\n    }\n  }\n": types.ErrorFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": types.PageInfoFieldsFragmentDoc,
    "\n  fragment GroupFields on Group {\n    id\n    name\n    description\n    defaultScopes\n    limitsScopes\n    scopeLimit\n    defaultExpirySeconds\n    tokenTtlSeconds\n    keyCount\n    ipRules {\n      ...IpRuleFields\n    }\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n    }\n    createdAt\n    updatedAt\n  }\n": types.GroupFieldsFragmentDoc,
    "\n  fragment GroupPayloadFields on GroupPayload {\n    __typename\n    group {\n      ...GroupFields\n    }\n  }\n": types.GroupPayloadFieldsFragmentDoc,
    "\n  query ListGroups($first: Int, $after: String, $filter: GroupFilter) {\n    groups(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...GroupFields\n        }\n      }\n    }\n  }\n": types.ListGroupsDocument,
    "\n  query GetGroup($id: ID!) {\n    group(id: $id) {\n      ...GroupFields\n    }\n  }\n": types.GetGroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.CreateGroupDocument,
    "\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.UpdateGroupDocument,
    "\n  mutation DeleteGroup($input: DeleteGroupInput!) {\n    deleteGroup(input: $input) {\n      __typename\n      ... on DeleteGroupPayload {\n        deletedGroupId\n        movedKeyCount\n        revokedKeyCount\n      }\n      ...ErrorFields\n    }\n  }\n": types.DeleteGroupDocument,
    "\n  fragment IdentityFields on Identity {\n    externalId\n    keyCount\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    rateLimitStatus {\n      name\n      counting\n      source\n      limit\n      windowMs\n      remaining\n      resetAt\n    }\n    createdAt\n    updatedAt\n  }\n": types.IdentityFieldsFragmentDoc,
    "\n  query GetIdentity($externalId: String!) {\n    identity(externalId: $externalId) {\n      ...IdentityFields\n    }\n  }\n": types.GetIdentityDocument,
    "\n  mutation SetIdentityLimits($input: SetIdentityLimitsInput!) {\n    setIdentityLimits(input: $input) {\n      __typename\n      ... on IdentityPayload {\n        identity {\n          ...IdentityFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.SetIdentityLimitsDocument,
    "\n  fragment IpRuleFields on IpRule {\n    id\n    action\n    cidr\n    description\n    level\n    createdAt\n  }\n": types.IpRuleFieldsFragmentDoc,
    "\n  fragment IpRulePayloadFields on IpRulePayload {\n    __typename\n    ipRule {\n      ...IpRuleFields\n    }\n  }\n": types.IpRulePayloadFieldsFragmentDoc,
    "\n  query TenantIpRules($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n": types.TenantIpRulesDocument,
    "\n  query GroupIpRules($groupId: ID!) {\n    group(id: $groupId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n": types.GroupIpRulesDocument,
    "\n  query KeyIpRules($apiKeyId: ID!) {\n    apiKey(id: $apiKeyId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n": types.KeyIpRulesDocument,
    "\n  mutation CreateIpRule($input: CreateIpRuleInput!) {\n    createIpRule(input: $input) {\n      ...IpRulePayloadFields\n      ...ErrorFields\n    }\n  }\n": types.CreateIpRuleDocument,
    "\n  mutation DeleteIpRule($id: ID!) {\n    deleteIpRule(id: $id) {\n      __typename\n      ... on DeleteIpRulePayload {\n        deletedIpRuleId\n      }\n      ...ErrorFields\n    }\n  }\n": types.DeleteIpRuleDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    publicId\n    maskedKey\n    name\n    description\n    contactEmail\n    status\n    scopes\n    effectiveScopes\n    endpoints\n    ipRules {\n      ...IpRuleFields\n    }\n    expiresAt\n    rotationGraceEndsAt\n    rotation {\n      state\n      graceEndsAt\n      waitUntil\n      gracePeriodSeconds\n    }\n    metadata\n    createdBy {\n      type\n      id\n      displayName\n    }\n    tokenTtlSeconds\n    tokenExchangeOnly\n    canary\n    lastUsedAt\n    lastUsedIp\n    usageCount\n    revokedAt\n    revokedReason\n    createdAt\n    updatedAt\n    externalId\n    rateLimit {\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n      nextRefillAt\n    }\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  fragment ApiKeyPayloadFields on ApiKeyPayload {\n    __typename\n    apiKey {\n      ...ApiKeyFields\n    }\n  }\n": types.ApiKeyPayloadFieldsFragmentDoc,
    "\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n": types.ListKeysDocument,
    "\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.GetKeyDocument,
    "\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal {\n        level\n        reason\n        cidr\n        rule {\n          ...IpRuleFields\n        }\n      }\n      apiKey {\n        id\n        publicId\n        name\n        status\n      }\n    }\n  }\n": types.ExplainAccessDocument,
    "\n  mutation CreateKey($input: CreateKeyInput!) {\n    createKey(input: $input) {\n      __typename\n      ... on CreateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.CreateKeyDocument,
    "\n  mutation CreateKeys($input: CreateKeysInput!) {\n    createKeys(input: $input) {\n      __typename\n      ... on CreateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          created {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.CreateKeysDocument,
    "\n  mutation RotateKeys($input: RotateKeysInput!) {\n    rotateKeys(input: $input) {\n      __typename\n      ... on RotateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          rotated {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.RotateKeysDocument,
    "\n  mutation UpdateKey($input: UpdateKeyInput!) {\n    updateKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.UpdateKeyDocument,
    "\n  mutation DisableKey($id: ID!) {\n    disableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.DisableKeyDocument,
    "\n  mutation EnableKey($id: ID!) {\n    enableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.EnableKeyDocument,
    "\n  mutation RevokeKey($input: RevokeKeyInput!) {\n    revokeKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.RevokeKeyDocument,
    "\n  mutation DeleteKey($id: ID!) {\n    deleteKey(id: $id) {\n      __typename\n      ... on DeleteKeyPayload {\n        deletedKeyId\n      }\n      ...ErrorFields\n    }\n  }\n": types.DeleteKeyDocument,
    "\n  mutation RotateKey($input: RotateKeyInput!) {\n    rotateKey(input: $input) {\n      __typename\n      ... on RotateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.RotateKeyDocument,
    "\n  mutation BulkUpdateKeys($input: BulkUpdateKeysInput!) {\n    bulkUpdateKeys(input: $input) {\n      __typename\n      ... on BulkUpdateKeysPayload {\n        count\n        keyIds\n      }\n      ...ErrorFields\n    }\n  }\n": types.BulkUpdateKeysDocument,
    "\n  fragment AccessTokenFields on AccessToken {\n    id\n    scopes\n    status\n    expiresAt\n    revokedAt\n    issuedIp\n    createdAt\n  }\n": types.AccessTokenFieldsFragmentDoc,
    "\n  fragment AccessTokenPayloadFields on AccessTokenPayload {\n    __typename\n    accessToken {\n      ...AccessTokenFields\n    }\n  }\n": types.AccessTokenPayloadFieldsFragmentDoc,
    "\n  query ListAccessTokens($keyId: ID!, $first: Int, $after: String) {\n    apiKey(id: $keyId) {\n      accessTokens(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...AccessTokenFields\n          }\n        }\n      }\n    }\n  }\n": types.ListAccessTokensDocument,
    "\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id) {\n      ...AccessTokenPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.RevokeAccessTokenDocument,
    "\n  query KeyLimits($id: ID!) {\n    apiKey(id: $id) {\n      id\n      rateLimit {\n        limit\n        windowMs\n      }\n      namedRateLimits {\n        name\n        limit\n        windowMs\n      }\n      credits {\n        remaining\n        refill {\n          amount\n          intervalSeconds\n        }\n        nextRefillAt\n      }\n      rateLimitStatus {\n        name\n        counting\n        source\n        limit\n        windowMs\n        remaining\n        resetAt\n      }\n    }\n  }\n": types.KeyLimitsDocument,
    "\n  mutation ReportLeakedKey($input: ReportLeakedKeyInput!) {\n    reportLeakedKey(input: $input) {\n      __typename\n      ... on ReportLeakedKeyPayload {\n        keyId\n        policy\n        status\n        alreadyReported\n      }\n      ...ErrorFields\n    }\n  }\n": types.ReportLeakedKeyDocument,
    "\n  query KeyNetworks($id: ID!) {\n    apiKey(id: $id) {\n      id\n      networks {\n        network\n        firstSeenAt\n        lastSeenAt\n        lastAddress\n      }\n    }\n  }\n": types.KeyNetworksDocument,
    "\n  fragment MemberFields on Member {\n    id\n    email\n    name\n    status\n    hasPassword\n    apiKeyCount\n    createdAt\n    updatedAt\n  }\n": types.MemberFieldsFragmentDoc,
    "\n  fragment MemberPayloadFields on MemberPayload {\n    __typename\n    member {\n      ...MemberFields\n    }\n  }\n": types.MemberPayloadFieldsFragmentDoc,
    "\n  query ListMembers($first: Int, $after: String, $filter: MemberFilter, $tenantId: ID) {\n    members(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n": types.ListMembersDocument,
    "\n  query GetMember($id: ID!) {\n    member(id: $id) {\n      ...MemberFields\n    }\n  }\n": types.GetMemberDocument,
    "\n  query Me {\n    me {\n      ...MemberFields\n      role {\n        id\n        name\n        builtIn\n        scopes\n      }\n    }\n  }\n": types.MeDocument,
    "\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.CreateMemberDocument,
    "\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.UpdateMemberDocument,
    "\n  mutation DeactivateMember($id: ID!) {\n    deactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.DeactivateMemberDocument,
    "\n  mutation ReactivateMember($id: ID!) {\n    reactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.ReactivateMemberDocument,
    "\n  mutation DeleteMember($id: ID!) {\n    deleteMember(id: $id) {\n      __typename\n      ... on DeleteMemberPayload {\n        deletedMemberId\n      }\n      ...ErrorFields\n    }\n  }\n": types.DeleteMemberDocument,
    "\n  mutation SetMemberPassword($input: SetMemberPasswordInput!) {\n    setMemberPassword(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.SetMemberPasswordDocument,
    "\n  fragment RoleFields on Role {\n    id\n    name\n    description\n    builtIn\n    scopes\n    memberCount\n    createdAt\n    updatedAt\n  }\n": types.RoleFieldsFragmentDoc,
    "\n  fragment RolePayloadFields on RolePayload {\n    __typename\n    role {\n      ...RoleFields\n    }\n  }\n": types.RolePayloadFieldsFragmentDoc,
    "\n  query ListRoles($first: Int, $after: String, $filter: RoleFilter, $tenantId: ID) {\n    roles(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...RoleFields\n        }\n      }\n    }\n  }\n": types.ListRolesDocument,
    "\n  query GetRole($id: ID!) {\n    role(id: $id) {\n      ...RoleFields\n    }\n  }\n": types.GetRoleDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n": types.CreateRoleDocument,
    "\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n": types.UpdateRoleDocument,
    "\n  mutation DeleteRole($input: DeleteRoleInput!) {\n    deleteRole(input: $input) {\n      __typename\n      ... on DeleteRolePayload {\n        deletedRoleId\n      }\n      ...ErrorFields\n    }\n  }\n": types.DeleteRoleDocument,
    "\n  fragment RouteMapFields on RouteMap {\n    defaultAction\n    routes {\n      pattern\n      scopes\n    }\n    updatedAt\n  }\n": types.RouteMapFieldsFragmentDoc,
    "\n  query TenantRouteMap($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      routeMap {\n        ...RouteMapFields\n      }\n    }\n  }\n": types.TenantRouteMapDocument,
    "\n  mutation SetRouteMap($input: SetRouteMapInput!) {\n    setRouteMap(input: $input) {\n      __typename\n      ... on RouteMapPayload {\n        routeMap {\n          ...RouteMapFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.SetRouteMapDocument,
    "\n  fragment ScopeFields on Scope {\n    id\n    name\n    description\n    createdAt\n  }\n": types.ScopeFieldsFragmentDoc,
    "\n  fragment ScopePayloadFields on ScopePayload {\n    __typename\n    scope {\n      ...ScopeFields\n    }\n  }\n": types.ScopePayloadFieldsFragmentDoc,
    "\n  query ListScopes($first: Int, $after: String, $filter: ScopeFilter, $tenantId: ID) {\n    scopes(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ScopeFields\n        }\n      }\n    }\n  }\n": types.ListScopesDocument,
    "\n  query ManagementScopes {\n    managementScopes {\n      name\n      description\n    }\n  }\n": types.ManagementScopesDocument,
    "\n  mutation CreateScope($input: CreateScopeInput!) {\n    createScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n": types.CreateScopeDocument,
    "\n  mutation UpdateScope($input: UpdateScopeInput!) {\n    updateScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n": types.UpdateScopeDocument,
    "\n  mutation DeleteScope($input: DeleteScopeInput!) {\n    deleteScope(input: $input) {\n      __typename\n      ... on DeleteScopePayload {\n        deletedScopeId\n      }\n      ...ErrorFields\n    }\n  }\n": types.DeleteScopeDocument,
    "\n  fragment SessionFields on Session {\n    id\n    current\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n    ip\n    userAgent\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  fragment SessionPayloadFields on SessionPayload {\n    __typename\n    session {\n      ...SessionFields\n    }\n  }\n": types.SessionPayloadFieldsFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginPayload {\n        token\n        expiresAt\n        member {\n          ...MemberFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.LogoutDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.RevokeSessionDocument,
    "\n  query MemberSessions($memberId: ID!, $first: Int, $after: String) {\n    member(id: $memberId) {\n      id\n      sessions(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...SessionFields\n          }\n        }\n      }\n    }\n  }\n": types.MemberSessionsDocument,
    "\n  fragment TenantFields on Tenant {\n    id\n    name\n    slug\n    status\n    apiEnabled\n    keyPrefix\n    maxKeyLifetimeSeconds\n    defaultTokenTtlSeconds\n    maxTokenTtlSeconds\n    allowQueryParamKey\n    auditRetentionDays\n    leakedKeyPolicy\n    createdAt\n    updatedAt\n  }\n": types.TenantFieldsFragmentDoc,
    "\n  fragment TenantPayloadFields on TenantPayload {\n    __typename\n    tenant {\n      ...TenantFields\n    }\n  }\n": types.TenantPayloadFieldsFragmentDoc,
    "\n  query ListTenants($first: Int, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...TenantFields\n        }\n      }\n    }\n  }\n": types.ListTenantsDocument,
    "\n  query GetTenant($id: ID) {\n    tenant(id: $id) {\n      ...TenantFields\n    }\n  }\n": types.GetTenantDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.CreateTenantDocument,
    "\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.UpdateTenantDocument,
    "\n  mutation SuspendTenant($id: ID!) {\n    suspendTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.SuspendTenantDocument,
    "\n  mutation ResumeTenant($id: ID!) {\n    resumeTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n": types.ResumeTenantDocument,
    "\n  query Verify($input: VerifyInput!) {\n    verify(input: $input) {\n      valid\n      code\n      message\n      credentialType\n      keyId\n      publicId\n      tokenId\n      tenantId\n      ownerId\n      name\n      scopes\n      metadata\n      expiresAt\n      rateLimit {\n        limit\n        remaining\n        resetAt\n      }\n      rateLimits {\n        name\n        level\n        limit\n        remaining\n        resetAt\n      }\n      remainingUses\n      cacheableUntil\n      missingScopes\n      retryAfter\n      limitName\n    }\n  }\n": types.VerifyDocument,
    "\n  query Viewer {\n    viewer {\n      kind\n      tenantId\n      address\n      scopes\n    }\n  }\n": types.ViewerDocument,
    "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    description\n    eventTypes\n    status\n    disabledReason\n    failingSince\n    secretRotatedAt\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n": types.WebhookEndpointFieldsFragmentDoc,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventType\n    status\n    attempts\n    payload\n    nextAttemptAt\n    lastAttemptAt\n    lastResponseStatus\n    lastError\n    deliveredAt\n    createdAt\n    attemptLog {\n      attempt\n      startedAt\n      durationMs\n      responseStatus\n      error\n    }\n  }\n": types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query ListWebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      edges { node { ...WebhookEndpointFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n": types.ListWebhookEndpointsDocument,
    "\n  query WebhookDeliveries($endpointId: ID, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {\n      edges { node { ...WebhookDeliveryFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": types.UpdateWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": types.RotateWebhookSecretDocument,
    "\n  mutation PauseWebhookEndpoint($id: ID!) {\n    pauseWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": types.PauseWebhookEndpointDocument,
    "\n  mutation ResumeWebhookEndpoint($id: ID!) {\n    resumeWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n": types.ResumeWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id) {\n      __typename\n      ... on DeleteWebhookEndpointPayload { deletedWebhookEndpointId }\n      ...ErrorFields\n    }\n  }\n": types.DeleteWebhookEndpointDocument,
    "\n  mutation RedeliverWebhook($id: ID!) {\n    redeliverWebhook(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload { delivery { ...WebhookDeliveryFields } }\n      ...ErrorFields\n    }\n  }\n": types.RedeliverWebhookDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEventFields on AuditEvent {\n    id\n    tenantId\n    seq\n    actorType\n    actorId\n    actorPublicId\n    action\n    targetType\n    targetId\n    ip\n    userAgent\n    requestId\n    changes\n    createdAt\n    prevHash\n    hash\n  }\n"): (typeof documents)["\n  fragment AuditEventFields on AuditEvent {\n    id\n    tenantId\n    seq\n    actorType\n    actorId\n    actorPublicId\n    action\n    targetType\n    targetId\n    ip\n    userAgent\n    requestId\n    changes\n    createdAt\n    prevHash\n    hash\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListAuditEvents($first: Int, $after: String, $filter: AuditEventFilter, $tenantId: ID) {\n    auditEvents(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListAuditEvents($first: Int, $after: String, $filter: AuditEventFilter, $tenantId: ID) {\n    auditEvents(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEventFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VerifyAuditChain($tenantId: ID) {\n    verifyAuditChain(tenantId: $tenantId) {\n      ok\n      checkedEvents\n      firstSeq\n      lastSeq\n      lastHash\n      firstBrokenSeq\n      firstBrokenEventId\n      reason\n    }\n  }\n"): (typeof documents)["\n  query VerifyAuditChain($tenantId: ID) {\n    verifyAuditChain(tenantId: $tenantId) {\n      ok\n      checkedEvents\n      firstSeq\n      lastSeq\n      lastHash\n      firstBrokenSeq\n      firstBrokenEventId\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuditEventsStream($afterId: ID, $tenantId: ID) {\n    auditEvents(afterId: $afterId, tenantId: $tenantId) {\n      ...AuditEventFields\n    }\n  }\n"): (typeof documents)["\n  subscription AuditEventsStream($afterId: ID, $tenantId: ID) {\n    auditEvents(afterId: $afterId, tenantId: $tenantId) {\n      ...AuditEventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ErrorFields on Error {\n    __typename\n    message\n    code\n    ... on ValidationError {\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on ForbiddenError {\n      missingScopes\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on NotFoundError {\n      resource\n    }\n    ... on RateLimitedError {\n      retryAfter\n    }\n  }\n"): (typeof documents)["\n  fragment ErrorFields on Error {\n    __typename\n    message\n    code\n    ... on ValidationError {\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on ForbiddenError {\n      missingScopes\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on NotFoundError {\n      resource\n    }\n    ... on RateLimitedError {\n      retryAfter\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"): (typeof documents)["\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GroupFields on Group {\n    id\n    name\n    description\n    defaultScopes\n    limitsScopes\n    scopeLimit\n    defaultExpirySeconds\n    tokenTtlSeconds\n    keyCount\n    ipRules {\n      ...IpRuleFields\n    }\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n    }\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment GroupFields on Group {\n    id\n    name\n    description\n    defaultScopes\n    limitsScopes\n    scopeLimit\n    defaultExpirySeconds\n    tokenTtlSeconds\n    keyCount\n    ipRules {\n      ...IpRuleFields\n    }\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n    }\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GroupPayloadFields on GroupPayload {\n    __typename\n    group {\n      ...GroupFields\n    }\n  }\n"): (typeof documents)["\n  fragment GroupPayloadFields on GroupPayload {\n    __typename\n    group {\n      ...GroupFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListGroups($first: Int, $after: String, $filter: GroupFilter) {\n    groups(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...GroupFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListGroups($first: Int, $after: String, $filter: GroupFilter) {\n    groups(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...GroupFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetGroup($id: ID!) {\n    group(id: $id) {\n      ...GroupFields\n    }\n  }\n"): (typeof documents)["\n  query GetGroup($id: ID!) {\n    group(id: $id) {\n      ...GroupFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) {\n      ...GroupPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteGroup($input: DeleteGroupInput!) {\n    deleteGroup(input: $input) {\n      __typename\n      ... on DeleteGroupPayload {\n        deletedGroupId\n        movedKeyCount\n        revokedKeyCount\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteGroup($input: DeleteGroupInput!) {\n    deleteGroup(input: $input) {\n      __typename\n      ... on DeleteGroupPayload {\n        deletedGroupId\n        movedKeyCount\n        revokedKeyCount\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IdentityFields on Identity {\n    externalId\n    keyCount\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    rateLimitStatus {\n      name\n      counting\n      source\n      limit\n      windowMs\n      remaining\n      resetAt\n    }\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment IdentityFields on Identity {\n    externalId\n    keyCount\n    rateLimit {\n      limit\n      windowMs\n    }\n    namedRateLimits {\n      name\n      limit\n      windowMs\n    }\n    rateLimitStatus {\n      name\n      counting\n      source\n      limit\n      windowMs\n      remaining\n      resetAt\n    }\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetIdentity($externalId: String!) {\n    identity(externalId: $externalId) {\n      ...IdentityFields\n    }\n  }\n"): (typeof documents)["\n  query GetIdentity($externalId: String!) {\n    identity(externalId: $externalId) {\n      ...IdentityFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetIdentityLimits($input: SetIdentityLimitsInput!) {\n    setIdentityLimits(input: $input) {\n      __typename\n      ... on IdentityPayload {\n        identity {\n          ...IdentityFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetIdentityLimits($input: SetIdentityLimitsInput!) {\n    setIdentityLimits(input: $input) {\n      __typename\n      ... on IdentityPayload {\n        identity {\n          ...IdentityFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IpRuleFields on IpRule {\n    id\n    action\n    cidr\n    description\n    level\n    createdAt\n  }\n"): (typeof documents)["\n  fragment IpRuleFields on IpRule {\n    id\n    action\n    cidr\n    description\n    level\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IpRulePayloadFields on IpRulePayload {\n    __typename\n    ipRule {\n      ...IpRuleFields\n    }\n  }\n"): (typeof documents)["\n  fragment IpRulePayloadFields on IpRulePayload {\n    __typename\n    ipRule {\n      ...IpRuleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantIpRules($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TenantIpRules($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupIpRules($groupId: ID!) {\n    group(id: $groupId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query GroupIpRules($groupId: ID!) {\n    group(id: $groupId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyIpRules($apiKeyId: ID!) {\n    apiKey(id: $apiKeyId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyIpRules($apiKeyId: ID!) {\n    apiKey(id: $apiKeyId) {\n      id\n      ipRules {\n        ...IpRuleFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateIpRule($input: CreateIpRuleInput!) {\n    createIpRule(input: $input) {\n      ...IpRulePayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateIpRule($input: CreateIpRuleInput!) {\n    createIpRule(input: $input) {\n      ...IpRulePayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteIpRule($id: ID!) {\n    deleteIpRule(id: $id) {\n      __typename\n      ... on DeleteIpRulePayload {\n        deletedIpRuleId\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteIpRule($id: ID!) {\n    deleteIpRule(id: $id) {\n      __typename\n      ... on DeleteIpRulePayload {\n        deletedIpRuleId\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    publicId\n    maskedKey\n    name\n    description\n    contactEmail\n    status\n    scopes\n    effectiveScopes\n    endpoints\n    ipRules {\n      ...IpRuleFields\n    }\n    expiresAt\n    rotationGraceEndsAt\n    rotation {\n      state\n      graceEndsAt\n      waitUntil\n      gracePeriodSeconds\n    }\n    metadata\n    createdBy {\n      type\n      id\n      displayName\n    }\n    tokenTtlSeconds\n    tokenExchangeOnly\n    canary\n    lastUsedAt\n    lastUsedIp\n    usageCount\n    revokedAt\n    revokedReason\n    createdAt\n    updatedAt\n    externalId\n    rateLimit {\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n      nextRefillAt\n    }\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    publicId\n    maskedKey\n    name\n    description\n    contactEmail\n    status\n    scopes\n    effectiveScopes\n    endpoints\n    ipRules {\n      ...IpRuleFields\n    }\n    expiresAt\n    rotationGraceEndsAt\n    rotation {\n      state\n      graceEndsAt\n      waitUntil\n      gracePeriodSeconds\n    }\n    metadata\n    createdBy {\n      type\n      id\n      displayName\n    }\n    tokenTtlSeconds\n    tokenExchangeOnly\n    canary\n    lastUsedAt\n    lastUsedIp\n    usageCount\n    revokedAt\n    revokedReason\n    createdAt\n    updatedAt\n    externalId\n    rateLimit {\n      limit\n      windowMs\n    }\n    credits {\n      remaining\n      nextRefillAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyPayloadFields on ApiKeyPayload {\n    __typename\n    apiKey {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  fragment ApiKeyPayloadFields on ApiKeyPayload {\n    __typename\n    apiKey {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  query GetKey($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal {\n        level\n        reason\n        cidr\n        rule {\n          ...IpRuleFields\n        }\n      }\n      apiKey {\n        id\n        publicId\n        name\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal {\n        level\n        reason\n        cidr\n        rule {\n          ...IpRuleFields\n        }\n      }\n      apiKey {\n        id\n        publicId\n        name\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateKey($input: CreateKeyInput!) {\n    createKey(input: $input) {\n      __typename\n      ... on CreateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateKey($input: CreateKeyInput!) {\n    createKey(input: $input) {\n      __typename\n      ... on CreateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateKeys($input: CreateKeysInput!) {\n    createKeys(input: $input) {\n      __typename\n      ... on CreateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          created {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateKeys($input: CreateKeysInput!) {\n    createKeys(input: $input) {\n      __typename\n      ... on CreateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          created {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateKeys($input: RotateKeysInput!) {\n    rotateKeys(input: $input) {\n      __typename\n      ... on RotateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          rotated {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RotateKeys($input: RotateKeysInput!) {\n    rotateKeys(input: $input) {\n      __typename\n      ... on RotateKeysPayload {\n        succeeded\n        failed\n        results {\n          index\n          rotated {\n            key\n            clientId\n            clientSecret\n            secret\n            revealUrl\n            revealLinkExpiresAt\n            apiKey {\n              ...ApiKeyFields\n            }\n          }\n          error {\n            ...ErrorFields\n          }\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateKey($input: UpdateKeyInput!) {\n    updateKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateKey($input: UpdateKeyInput!) {\n    updateKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableKey($id: ID!) {\n    disableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DisableKey($id: ID!) {\n    disableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnableKey($id: ID!) {\n    enableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation EnableKey($id: ID!) {\n    enableKey(id: $id) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeKey($input: RevokeKeyInput!) {\n    revokeKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeKey($input: RevokeKeyInput!) {\n    revokeKey(input: $input) {\n      ...ApiKeyPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteKey($id: ID!) {\n    deleteKey(id: $id) {\n      __typename\n      ... on DeleteKeyPayload {\n        deletedKeyId\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteKey($id: ID!) {\n    deleteKey(id: $id) {\n      __typename\n      ... on DeleteKeyPayload {\n        deletedKeyId\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateKey($input: RotateKeyInput!) {\n    rotateKey(input: $input) {\n      __typename\n      ... on RotateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RotateKey($input: RotateKeyInput!) {\n    rotateKey(input: $input) {\n      __typename\n      ... on RotateKeyPayload {\n        key\n        clientId\n        clientSecret\n        secret\n        revealUrl\n        revealLinkExpiresAt\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkUpdateKeys($input: BulkUpdateKeysInput!) {\n    bulkUpdateKeys(input: $input) {\n      __typename\n      ... on BulkUpdateKeysPayload {\n        count\n        keyIds\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation BulkUpdateKeys($input: BulkUpdateKeysInput!) {\n    bulkUpdateKeys(input: $input) {\n      __typename\n      ... on BulkUpdateKeysPayload {\n        count\n        keyIds\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccessTokenFields on AccessToken {\n    id\n    scopes\n    status\n    expiresAt\n    revokedAt\n    issuedIp\n    createdAt\n  }\n"): (typeof documents)["\n  fragment AccessTokenFields on AccessToken {\n    id\n    scopes\n    status\n    expiresAt\n    revokedAt\n    issuedIp\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccessTokenPayloadFields on AccessTokenPayload {\n    __typename\n    accessToken {\n      ...AccessTokenFields\n    }\n  }\n"): (typeof documents)["\n  fragment AccessTokenPayloadFields on AccessTokenPayload {\n    __typename\n    accessToken {\n      ...AccessTokenFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListAccessTokens($keyId: ID!, $first: Int, $after: String) {\n    apiKey(id: $keyId) {\n      accessTokens(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...AccessTokenFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListAccessTokens($keyId: ID!, $first: Int, $after: String) {\n    apiKey(id: $keyId) {\n      accessTokens(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...AccessTokenFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id) {\n      ...AccessTokenPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id) {\n      ...AccessTokenPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyLimits($id: ID!) {\n    apiKey(id: $id) {\n      id\n      rateLimit {\n        limit\n        windowMs\n      }\n      namedRateLimits {\n        name\n        limit\n        windowMs\n      }\n      credits {\n        remaining\n        refill {\n          amount\n          intervalSeconds\n        }\n        nextRefillAt\n      }\n      rateLimitStatus {\n        name\n        counting\n        source\n        limit\n        windowMs\n        remaining\n        resetAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyLimits($id: ID!) {\n    apiKey(id: $id) {\n      id\n      rateLimit {\n        limit\n        windowMs\n      }\n      namedRateLimits {\n        name\n        limit\n        windowMs\n      }\n      credits {\n        remaining\n        refill {\n          amount\n          intervalSeconds\n        }\n        nextRefillAt\n      }\n      rateLimitStatus {\n        name\n        counting\n        source\n        limit\n        windowMs\n        remaining\n        resetAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportLeakedKey($input: ReportLeakedKeyInput!) {\n    reportLeakedKey(input: $input) {\n      __typename\n      ... on ReportLeakedKeyPayload {\n        keyId\n        policy\n        status\n        alreadyReported\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation ReportLeakedKey($input: ReportLeakedKeyInput!) {\n    reportLeakedKey(input: $input) {\n      __typename\n      ... on ReportLeakedKeyPayload {\n        keyId\n        policy\n        status\n        alreadyReported\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyNetworks($id: ID!) {\n    apiKey(id: $id) {\n      id\n      networks {\n        network\n        firstSeenAt\n        lastSeenAt\n        lastAddress\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyNetworks($id: ID!) {\n    apiKey(id: $id) {\n      id\n      networks {\n        network\n        firstSeenAt\n        lastSeenAt\n        lastAddress\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberFields on Member {\n    id\n    email\n    name\n    status\n    hasPassword\n    apiKeyCount\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment MemberFields on Member {\n    id\n    email\n    name\n    status\n    hasPassword\n    apiKeyCount\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberPayloadFields on MemberPayload {\n    __typename\n    member {\n      ...MemberFields\n    }\n  }\n"): (typeof documents)["\n  fragment MemberPayloadFields on MemberPayload {\n    __typename\n    member {\n      ...MemberFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListMembers($first: Int, $after: String, $filter: MemberFilter, $tenantId: ID) {\n    members(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListMembers($first: Int, $after: String, $filter: MemberFilter, $tenantId: ID) {\n    members(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...MemberFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetMember($id: ID!) {\n    member(id: $id) {\n      ...MemberFields\n    }\n  }\n"): (typeof documents)["\n  query GetMember($id: ID!) {\n    member(id: $id) {\n      ...MemberFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...MemberFields\n      role {\n        id\n        name\n        builtIn\n        scopes\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      ...MemberFields\n      role {\n        id\n        name\n        builtIn\n        scopes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateMember($input: CreateMemberInput!) {\n    createMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMember($input: UpdateMemberInput!) {\n    updateMember(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateMember($id: ID!) {\n    deactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateMember($id: ID!) {\n    deactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReactivateMember($id: ID!) {\n    reactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation ReactivateMember($id: ID!) {\n    reactivateMember(id: $id) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMember($id: ID!) {\n    deleteMember(id: $id) {\n      __typename\n      ... on DeleteMemberPayload {\n        deletedMemberId\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteMember($id: ID!) {\n    deleteMember(id: $id) {\n      __typename\n      ... on DeleteMemberPayload {\n        deletedMemberId\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetMemberPassword($input: SetMemberPasswordInput!) {\n    setMemberPassword(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetMemberPassword($input: SetMemberPasswordInput!) {\n    setMemberPassword(input: $input) {\n      ...MemberPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RoleFields on Role {\n    id\n    name\n    description\n    builtIn\n    scopes\n    memberCount\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment RoleFields on Role {\n    id\n    name\n    description\n    builtIn\n    scopes\n    memberCount\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RolePayloadFields on RolePayload {\n    __typename\n    role {\n      ...RoleFields\n    }\n  }\n"): (typeof documents)["\n  fragment RolePayloadFields on RolePayload {\n    __typename\n    role {\n      ...RoleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListRoles($first: Int, $after: String, $filter: RoleFilter, $tenantId: ID) {\n    roles(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...RoleFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListRoles($first: Int, $after: String, $filter: RoleFilter, $tenantId: ID) {\n    roles(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...RoleFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetRole($id: ID!) {\n    role(id: $id) {\n      ...RoleFields\n    }\n  }\n"): (typeof documents)["\n  query GetRole($id: ID!) {\n    role(id: $id) {\n      ...RoleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateRole($input: UpdateRoleInput!) {\n    updateRole(input: $input) {\n      ...RolePayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteRole($input: DeleteRoleInput!) {\n    deleteRole(input: $input) {\n      __typename\n      ... on DeleteRolePayload {\n        deletedRoleId\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteRole($input: DeleteRoleInput!) {\n    deleteRole(input: $input) {\n      __typename\n      ... on DeleteRolePayload {\n        deletedRoleId\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RouteMapFields on RouteMap {\n    defaultAction\n    routes {\n      pattern\n      scopes\n    }\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment RouteMapFields on RouteMap {\n    defaultAction\n    routes {\n      pattern\n      scopes\n    }\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantRouteMap($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      routeMap {\n        ...RouteMapFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TenantRouteMap($tenantId: ID) {\n    tenant(id: $tenantId) {\n      id\n      routeMap {\n        ...RouteMapFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRouteMap($input: SetRouteMapInput!) {\n    setRouteMap(input: $input) {\n      __typename\n      ... on RouteMapPayload {\n        routeMap {\n          ...RouteMapFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetRouteMap($input: SetRouteMapInput!) {\n    setRouteMap(input: $input) {\n      __typename\n      ... on RouteMapPayload {\n        routeMap {\n          ...RouteMapFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ScopeFields on Scope {\n    id\n    name\n    description\n    createdAt\n  }\n"): (typeof documents)["\n  fragment ScopeFields on Scope {\n    id\n    name\n    description\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ScopePayloadFields on ScopePayload {\n    __typename\n    scope {\n      ...ScopeFields\n    }\n  }\n"): (typeof documents)["\n  fragment ScopePayloadFields on ScopePayload {\n    __typename\n    scope {\n      ...ScopeFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListScopes($first: Int, $after: String, $filter: ScopeFilter, $tenantId: ID) {\n    scopes(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ScopeFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListScopes($first: Int, $after: String, $filter: ScopeFilter, $tenantId: ID) {\n    scopes(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...ScopeFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ManagementScopes {\n    managementScopes {\n      name\n      description\n    }\n  }\n"): (typeof documents)["\n  query ManagementScopes {\n    managementScopes {\n      name\n      description\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateScope($input: CreateScopeInput!) {\n    createScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateScope($input: CreateScopeInput!) {\n    createScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateScope($input: UpdateScopeInput!) {\n    updateScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateScope($input: UpdateScopeInput!) {\n    updateScope(input: $input) {\n      ...ScopePayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteScope($input: DeleteScopeInput!) {\n    deleteScope(input: $input) {\n      __typename\n      ... on DeleteScopePayload {\n        deletedScopeId\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteScope($input: DeleteScopeInput!) {\n    deleteScope(input: $input) {\n      __typename\n      ... on DeleteScopePayload {\n        deletedScopeId\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on Session {\n    id\n    current\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n    ip\n    userAgent\n  }\n"): (typeof documents)["\n  fragment SessionFields on Session {\n    id\n    current\n    createdAt\n    expiresAt\n    revokedAt\n    lastUsedAt\n    ip\n    userAgent\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionPayloadFields on SessionPayload {\n    __typename\n    session {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  fragment SessionPayloadFields on SessionPayload {\n    __typename\n    session {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginPayload {\n        token\n        expiresAt\n        member {\n          ...MemberFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginPayload {\n        token\n        expiresAt\n        member {\n          ...MemberFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      ...SessionPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberSessions($memberId: ID!, $first: Int, $after: String) {\n    member(id: $memberId) {\n      id\n      sessions(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...SessionFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberSessions($memberId: ID!, $first: Int, $after: String) {\n    member(id: $memberId) {\n      id\n      sessions(first: $first, after: $after) {\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          cursor\n          node {\n            ...SessionFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TenantFields on Tenant {\n    id\n    name\n    slug\n    status\n    apiEnabled\n    keyPrefix\n    maxKeyLifetimeSeconds\n    defaultTokenTtlSeconds\n    maxTokenTtlSeconds\n    allowQueryParamKey\n    auditRetentionDays\n    leakedKeyPolicy\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment TenantFields on Tenant {\n    id\n    name\n    slug\n    status\n    apiEnabled\n    keyPrefix\n    maxKeyLifetimeSeconds\n    defaultTokenTtlSeconds\n    maxTokenTtlSeconds\n    allowQueryParamKey\n    auditRetentionDays\n    leakedKeyPolicy\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TenantPayloadFields on TenantPayload {\n    __typename\n    tenant {\n      ...TenantFields\n    }\n  }\n"): (typeof documents)["\n  fragment TenantPayloadFields on TenantPayload {\n    __typename\n    tenant {\n      ...TenantFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListTenants($first: Int, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...TenantFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListTenants($first: Int, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        cursor\n        node {\n          ...TenantFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetTenant($id: ID) {\n    tenant(id: $id) {\n      ...TenantFields\n    }\n  }\n"): (typeof documents)["\n  query GetTenant($id: ID) {\n    tenant(id: $id) {\n      ...TenantFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SuspendTenant($id: ID!) {\n    suspendTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation SuspendTenant($id: ID!) {\n    suspendTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeTenant($id: ID!) {\n    resumeTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeTenant($id: ID!) {\n    resumeTenant(id: $id) {\n      ...TenantPayloadFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Verify($input: VerifyInput!) {\n    verify(input: $input) {\n      valid\n      code\n      message\n      credentialType\n      keyId\n      publicId\n      tokenId\n      tenantId\n      ownerId\n      name\n      scopes\n      metadata\n      expiresAt\n      rateLimit {\n        limit\n        remaining\n        resetAt\n      }\n      rateLimits {\n        name\n        level\n        limit\n        remaining\n        resetAt\n      }\n      remainingUses\n      cacheableUntil\n      missingScopes\n      retryAfter\n      limitName\n    }\n  }\n"): (typeof documents)["\n  query Verify($input: VerifyInput!) {\n    verify(input: $input) {\n      valid\n      code\n      message\n      credentialType\n      keyId\n      publicId\n      tokenId\n      tenantId\n      ownerId\n      name\n      scopes\n      metadata\n      expiresAt\n      rateLimit {\n        limit\n        remaining\n        resetAt\n      }\n      rateLimits {\n        name\n        level\n        limit\n        remaining\n        resetAt\n      }\n      remainingUses\n      cacheableUntil\n      missingScopes\n      retryAfter\n      limitName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      kind\n      tenantId\n      address\n      scopes\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      kind\n      tenantId\n      address\n      scopes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    description\n    eventTypes\n    status\n    disabledReason\n    failingSince\n    secretRotatedAt\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    description\n    eventTypes\n    status\n    disabledReason\n    failingSince\n    secretRotatedAt\n    previousSecretExpiresAt\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventType\n    status\n    attempts\n    payload\n    nextAttemptAt\n    lastAttemptAt\n    lastResponseStatus\n    lastError\n    deliveredAt\n    createdAt\n    attemptLog {\n      attempt\n      startedAt\n      durationMs\n      responseStatus\n      error\n    }\n  }\n"): (typeof documents)["\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    eventType\n    status\n    attempts\n    payload\n    nextAttemptAt\n    lastAttemptAt\n    lastResponseStatus\n    lastError\n    deliveredAt\n    createdAt\n    attemptLog {\n      attempt\n      startedAt\n      durationMs\n      responseStatus\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListWebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      edges { node { ...WebhookEndpointFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n"): (typeof documents)["\n  query ListWebhookEndpoints($first: Int, $after: String) {\n    webhookEndpoints(first: $first, after: $after) {\n      edges { node { ...WebhookEndpointFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($endpointId: ID, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {\n      edges { node { ...WebhookDeliveryFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($endpointId: ID, $first: Int, $after: String) {\n    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {\n      edges { node { ...WebhookDeliveryFields } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) {\n      __typename\n      ... on WebhookEndpointSecretPayload { secret endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseWebhookEndpoint($id: ID!) {\n    pauseWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation PauseWebhookEndpoint($id: ID!) {\n    pauseWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeWebhookEndpoint($id: ID!) {\n    resumeWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeWebhookEndpoint($id: ID!) {\n    resumeWebhookEndpoint(id: $id) {\n      __typename\n      ... on WebhookEndpointPayload { endpoint { ...WebhookEndpointFields } }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id) {\n      __typename\n      ... on DeleteWebhookEndpointPayload { deletedWebhookEndpointId }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id) {\n      __typename\n      ... on DeleteWebhookEndpointPayload { deletedWebhookEndpointId }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverWebhook($id: ID!) {\n    redeliverWebhook(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload { delivery { ...WebhookDeliveryFields } }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RedeliverWebhook($id: ID!) {\n    redeliverWebhook(id: $id) {\n      __typename\n      ... on WebhookDeliveryPayload { delivery { ...WebhookDeliveryFields } }\n      ...ErrorFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;