import { builder } from '../builder.ts';
import {
  ConflictError, ERROR_CODES, ForbiddenError, KeywardenError, NotFoundError, RateLimitedError, ValidationError,
  type FieldError,
} from '../domain/errors.ts';

// Expected failures of a mutation are part of its result type (errors plugin), so clients switch
// on __typename with full types; every one also carries a code from the closed ErrorCode enum.

export const ErrorCodeEnum = builder.enumType('ErrorCode', { values: ERROR_CODES });

export const ErrorInterface = builder.interfaceRef<KeywardenError>('Error').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code }),
    requestId: t.string({
      description: 'The id of the request that met this error (the `x-request-id` response header), for support and logs.',
      resolve: (_error, _args, ctx) => ctx.request.id,
    }),
  }),
});

const FieldErrorRef = builder.objectRef<FieldError>('FieldError').implement({
  description: 'One invalid input field.',
  fields: (t) => ({
    path: t.stringList({ description: 'Path of the field in the input, e.g. ["input", "ipRules", "2", "cidr"]', resolve: (e) => e.path.map(String) }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ fieldErrors: t.field({ type: [FieldErrorRef], resolve: (e) => e.fieldErrors }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ resource: t.exposeString('resource') }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ missingScopes: t.exposeStringList('missingScopes') }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ retryAfter: t.exposeInt('retryAfterSeconds') }),
});

/** The errors every mutation may answer with; pass as `errors: MUTATION_ERRORS`. */
export const MUTATION_ERRORS = { types: [ValidationError, NotFoundError, ConflictError, ForbiddenError] };
