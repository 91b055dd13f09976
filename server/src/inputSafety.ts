import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import {
  isInputObjectType, isListType, isNonNullType,
  type GraphQLArgument, type GraphQLFieldResolver, type GraphQLInputType, type GraphQLResolveInfo,
} from 'graphql';
import { ValidationError, type FieldError } from './domain/errors.ts';
import { ID_PREFIX_TYPENAME, typenameOfId, type NodeTypename } from './domain/ids.ts';

// Input safety in one place: every String and ID a GraphQL field receives, in its arguments and at
// any depth of its input objects and lists, is checked before the field runs, so a new field gets
// it for free. Field-specific rules (a name's length, a scope's form) stay with the services.
// DateTime and JSON values are checked by their scalars (schema/scalars.ts).

/** Longest String accepted anywhere (services set tighter limits per field). */
export const MAX_STRING_LENGTH = 10_000;
/** Longest ID: ours are 30 characters, a public id at most 67. */
export const MAX_ID_LENGTH = 100;

// A high surrogate not followed by a low one, or a low one not preceded by a high one: not text
// (PostgreSQL's jsonb and UTF-8 cannot store it).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const PREFIX_OF_TYPENAME = Object.fromEntries(Object.entries(ID_PREFIX_TYPENAME).map(([prefix, type]) => [type, prefix]));

/** Declares what an ID argument or input field names: `t.arg.id({ required: true, ...idOf('ApiKey') })`. */
export function idOf(type: NodeTypename) {
  return { extensions: { idOf: type } };
}

/** Why a text value is refused, or null. */
export function textProblem(value: string, maxLength: number): string | null {
  if (value.includes('\0')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it contains a lone surrogate)';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  return null;
}

function idProblem(value: string, type: NodeTypename | undefined): string | null {
  if (value.length === 0) return 'must not be empty';
  if (type !== undefined && typenameOfId(value) !== type) return `must be the id of a${/^[AEIOU]/.test(type) ? 'n' : ''} ${type} (${PREFIX_OF_TYPENAME[type]}_…)`;
  return null;
}

function check(value: unknown, type: GraphQLInputType, path: (string | number)[], idType: NodeTypename | undefined, problems: FieldError[]): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return check(value, type.ofType, path, idType, problems);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((item, index) => check(item, type.ofType, [...path, index], idType, problems));
    return;
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      check((value as Record<string, unknown>)[field.name], field.type, [...path, field.name], field.extensions.idOf as NodeTypename | undefined, problems);
    }
    return;
  }
  if (type.name !== 'String' && type.name !== 'ID') return;
  const text = String(value);
  const problem = textProblem(text, type.name === 'ID' ? MAX_ID_LENGTH : MAX_STRING_LENGTH) ?? (type.name === 'ID' ? idProblem(text, idType) : null);
  if (problem !== null) problems.push({ path, message: problem });
}

/** Throws one ValidationError naming every bad value of a field's arguments. */
export function assertSafeArguments(definitions: readonly GraphQLArgument[], args: Record<string, unknown>): void {
  const problems: FieldError[] = [];
  for (const arg of definitions) check(args[arg.name], arg.type, [arg.name], arg.extensions.idOf as NodeTypename | undefined, problems);
  if (problems.length > 0) throw new ValidationError(problems);
}

function argumentsOf(info: GraphQLResolveInfo): readonly GraphQLArgument[] {
  return info.parentType.getFields()[info.fieldName]!.args;
}

/**
 * Pothos plugin: checks a field's arguments before it runs. Listed after the errors plugin, so a
 * mutation answers its ValidationError result; a query answers a VALIDATION_FAILED error.
 */
export class InputSafetyPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (Object.keys(fieldConfig.args).length === 0) return resolver;
    return (parent, args, context, info) => {
      assertSafeArguments(argumentsOf(info), args as Record<string, unknown>);
      return resolver(parent, args, context, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!subscribe || Object.keys(fieldConfig.args).length === 0) return subscribe;
    return (parent, args, context, info) => {
      assertSafeArguments(argumentsOf(info), args as Record<string, unknown>);
      return subscribe(parent, args, context, info);
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      inputSafety: InputSafetyPlugin<Types>;
    }
  }
}

export const inputSafetyPlugin = 'inputSafety' as const;
SchemaBuilder.registerPlugin(inputSafetyPlugin, InputSafetyPlugin);

/** JSON inputs (metadata): nesting and size are checked before anything serializes them. */
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_NODES = 10_000;

/** Why a JSON input value is refused, or null. Iterative, so no depth can overflow the stack. */
export function jsonProblem(value: unknown): string | null {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let nodes = 0;
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (++nodes > MAX_JSON_NODES) return `must have at most ${MAX_JSON_NODES} values`;
    if (typeof current === 'string') {
      const problem = textProblem(current, MAX_STRING_LENGTH);
      if (problem) return `a string ${problem}`;
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return 'numbers must be finite';
    } else if (current !== null && typeof current === 'object') {
      if (depth >= MAX_JSON_DEPTH) return `must be nested at most ${MAX_JSON_DEPTH} levels deep`;
      const entries = Array.isArray(current) ? current : Object.entries(current);
      for (const entry of entries) {
        if (Array.isArray(current)) pending.push({ value: entry, depth: depth + 1 });
        else {
          const [key, item] = entry as [string, unknown];
          const problem = textProblem(key, MAX_STRING_LENGTH);
          if (problem) return `a key ${problem}`;
          pending.push({ value: item, depth: depth + 1 });
        }
      }
    } else if (current !== null && typeof current !== 'boolean') {
      return 'must be JSON';
    }
  }
  return null;
}
