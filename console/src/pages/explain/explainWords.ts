import type { Asked, Explanation } from './ExplainPage.tsx';

// The API's verdict in plain words. The console decides nothing: every sentence here restates
// fields of explainAccess's answer (code, ipRefusal, missingScopes, detail).

/** Where an IP rule lives, in words: the tenant, the key's group 'billing', the key itself. */
function levelInWords(level: string, explanation: Explanation): string {
  if (level === 'TENANT') return 'the tenant';
  if (level === 'GROUP') return explanation.apiKey.group ? `the key's group '${explanation.apiKey.group.name}'` : "the key's group";
  return 'the key itself';
}

function ipInWords(explanation: Explanation, asked: Asked): string {
  const refusal = explanation.ipRefusal;
  if (!refusal) return `the address ${asked.ip} passes every IP rule`;
  const where = levelInWords(refusal.level, explanation);
  if (refusal.reason === 'DENIED') {
    const note = refusal.rule?.description ? ` (“${refusal.rule.description}”)` : '';
    return `the address ${asked.ip} is denied by the DENY rule ${refusal.cidr ?? ''}${note} of ${where}`;
  }
  if (refusal.reason === 'NOT_ALLOWED') return `the address ${asked.ip} matches no allow rule of ${where}`;
  return `the address ${asked.ip} cannot be read, and ${where} has IP rules`;
}

function when(value: Date | string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : '';
}

/** One sentence: "Allowed: …" or "Refused: …", naming the rule or setting that decides. */
export function verdictInWords(explanation: Explanation, asked: Asked): string {
  const key = explanation.apiKey;
  switch (explanation.code) {
    case 'VALID': {
      const endpoint = asked.endpoint ? ` for ${asked.endpoint}` : '';
      const scopes = asked.scopes.length > 0 ? `, and it effectively holds ${asked.scopes.join(', ')}` : '';
      return `Allowed: the key would be accepted from ${asked.ip}${endpoint}; ${ipInWords(explanation, asked)}${scopes}.`;
    }
    case 'TENANT_DISABLED':
      return `Refused: ${explanation.detail.replace(/^The /, 'the ')} (tenant setting), so no key of the tenant is accepted.`;
    case 'REVOKED':
      return `Refused: the key was revoked${key.revokedAt ? ` on ${when(key.revokedAt)}` : ''}${key.revokedReason ? ` (“${key.revokedReason}”)` : ''}; a revoked key never works again.`;
    case 'EXPIRED':
      return `Refused: the key expired on ${when(key.expiresAt)}.`;
    case 'DISABLED':
      return /owner/.test(explanation.detail)
        ? `Refused: the key's owner ${key.owner.name} is deactivated, and a key lends nothing without its owner.`
        : 'Refused: the key is disabled; enabling it would let it work again.';
    case 'IP_NOT_ALLOWED':
      return `Refused: ${ipInWords(explanation, asked)}.`;
    case 'ENDPOINT_NOT_ALLOWED': {
      const allowed = key.endpoints.length > 0 ? ` It may call only: ${key.endpoints.join(', ')}.` : '';
      return `Refused: ${explanation.detail.replace(/^The /, 'the ')}.${allowed}`;
    }
    case 'INSUFFICIENT_SCOPES': {
      const holds = explanation.effectiveScopes.length > 0 ? explanation.effectiveScopes.join(', ') : 'no scopes';
      return `Refused: the key does not effectively hold ${explanation.missingScopes.join(', ')} (it holds ${holds}: its own scopes, limited by its owner's role and its group).`;
    }
    default:
      return `${explanation.allowed ? 'Allowed' : 'Refused'}: ${explanation.detail}.`;
  }
}

export interface Check {
  name: string;
  outcome: 'passed' | 'refused' | 'not-reached' | 'not-checked';
  why: string;
}

// The order of domain/access.ts decideAccess: the first failing check is the code.
const ORDER = ['TENANT_DISABLED', 'REVOKED', 'EXPIRED', 'DISABLED', 'IP_NOT_ALLOWED', 'ENDPOINT_NOT_ALLOWED', 'INSUFFICIENT_SCOPES', 'VALID'] as const;

/**
 * Every check with its outcome as far as the answer tells: the checks before the deciding one
 * passed; IP rules and scopes are answered whatever the code; the endpoint after a refusal is
 * not reached.
 */
export function checksOf(explanation: Explanation, asked: Asked): Check[] {
  const decided = ORDER.indexOf(explanation.code as (typeof ORDER)[number]);
  const stage = (code: (typeof ORDER)[number]): 'passed' | 'refused' | 'not-reached' => {
    const at = ORDER.indexOf(code);
    return at < decided ? 'passed' : at === decided ? 'refused' : 'not-reached';
  };
  const key = explanation.apiKey;
  const plain = (code: (typeof ORDER)[number], name: string, passedWhy: string, refusedWhy: string): Check => {
    const outcome = stage(code);
    return { name, outcome, why: outcome === 'refused' ? refusedWhy : outcome === 'passed' ? passedWhy : 'An earlier check refused the request.' };
  };
  const ipRefused = explanation.ipRefusal !== null && explanation.ipRefusal !== undefined;
  const endpointStage = stage('ENDPOINT_NOT_ALLOWED');
  const asksScopes = asked.scopes.length > 0;
  return [
    plain('TENANT_DISABLED', 'Tenant', "The tenant is active and its API is switched on.", explanation.detail),
    plain('REVOKED', 'Not revoked', 'The key is not revoked.', verdictInWords(explanation, asked).replace(/^Refused: /, '')),
    plain('EXPIRED', 'Not expired', key.expiresAt ? `The key expires on ${new Date(key.expiresAt).toLocaleString()}.` : 'The key never expires.', explanation.detail),
    plain('DISABLED', 'Enabled, with an active owner', `The key is enabled and its owner ${key.owner.name} is active.`, explanation.detail),
    {
      name: 'IP rules (tenant, group, key)',
      outcome: ipRefused ? 'refused' : 'passed',
      why: ipInWords(explanation, asked).replace(/^./, (c) => c.toUpperCase()) + '.',
    },
    asked.endpoint === null
      ? { name: 'Endpoint', outcome: 'not-checked', why: 'No endpoint was given.' }
      : {
          name: 'Endpoint',
          outcome: endpointStage,
          why:
            endpointStage === 'refused'
              ? explanation.detail
              : endpointStage === 'passed'
                ? `${asked.endpoint} is ${key.endpoints.length > 0 ? `among the key's endpoints (${key.endpoints.join(', ')})` : 'allowed: the key may call any endpoint'}.`
                : 'An earlier check refused the request.',
        },
    !asksScopes
      ? { name: 'Scopes', outcome: 'not-checked', why: 'No scopes were asked for.' }
      : explanation.missingScopes.length > 0
        ? { name: 'Scopes', outcome: 'refused', why: `Missing: ${explanation.missingScopes.join(', ')}.` }
        : { name: 'Scopes', outcome: 'passed', why: `The key effectively holds ${asked.scopes.join(', ')}.` },
  ];
}
