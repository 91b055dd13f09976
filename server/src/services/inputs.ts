import { z } from 'zod';
import { validateEndpointPattern } from '../domain/endpoints.ts';
import { validateScopeName } from '../domain/scopes.ts';

// Input shapes several services share, each with its limit and message defined once.

const MAX_SCOPES = 200;
const MAX_ENDPOINTS = 100;

/** A name: trimmed, not empty, at most `max` characters. */
export const nameInput = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** A free-text description: trimmed, possibly empty, at most `max` characters. */
export const descriptionInput = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

/** Why a key or group was disabled or revoked. */
export const reasonInput = nameInput(500);

/** A well-formed scope name (not checked against the tenant's catalogue). */
export const scopeName = z.string().superRefine((value, issue) => {
  const invalid = validateScopeName(value);
  if (invalid) issue.addIssue({ code: 'custom', message: invalid });
});

/** Scope names of a grant; each is checked against the tenant's catalogue by assertKnownScopes (services/scopes.ts). */
export const scopeList = z.array(z.string()).max(MAX_SCOPES, `must have at most ${MAX_SCOPES} scopes`);

/** Scope names asked about, each well-formed (explainAccess). */
export const scopeNameList = z.array(scopeName).max(MAX_SCOPES, `must have at most ${MAX_SCOPES} scopes`);

/** Endpoint patterns a key or group is limited to; repeats are dropped. */
export const endpointList = z
  .array(
    z.string().superRefine((pattern, issue) => {
      const error = validateEndpointPattern(pattern);
      if (error) issue.addIssue({ code: 'custom', message: error });
    }),
  )
  .min(1, 'must list at least one pattern ("*" allows every endpoint)')
  .max(MAX_ENDPOINTS, `must have at most ${MAX_ENDPOINTS} patterns`)
  .transform((patterns) => [...new Set(patterns)]);
