import type { InputObjectRef, ObjectRef } from '@pothos/core';
import type { Context } from '../context.ts';
import { builder } from '../builder.ts';
import { MUTATION_ERRORS } from './errors.ts';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** A delete mutation's payload: the removed record's id, as `field` (e.g. deletedRoleId). */
export function deletedIdPayload(name: string, field: string) {
  return builder.objectRef<{ id: string }>(name).implement({ fields: (t) => ({ [field]: t.exposeID('id') }) });
}

type MutationFieldBuilder = Parameters<Parameters<typeof builder.mutationFields>[0]>[0];

/**
 * The usual mutation: one required `input` argument, the typed errors of MUTATION_ERRORS in its
 * result union, and `resolve` given the input and the context.
 */
export function inputMutation<Payload extends object, Args extends object>(
  t: MutationFieldBuilder,
  options: {
    type: ObjectRef<Types, Payload>;
    input: InputObjectRef<Types, Args>;
    authScopes: NonNullable<Parameters<MutationFieldBuilder['field']>[0]['authScopes']>;
    description?: string;
    resolve: (input: Args, ctx: Context) => Promise<Payload>;
  },
) {
  return t.field({
    type: options.type,
    description: options.description,
    authScopes: options.authScopes,
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: options.input, required: true }) },
    // Pothos cannot follow the generic Args and Payload through its own types; the options are typed.
    resolve: ((_root: unknown, args: { input: Args }, ctx: Context) => options.resolve(args.input, ctx)) as never,
  });
}
