// createKeys and rotateKeys: up to MAX_BULK_KEYS keys in one call, each written and audited by the
// same code as createKey and rotateKey. Atomic (the default): every item or none, the first failure
// answered for the whole call with the item named. Not atomic: each item in its own savepoint, its
// failure answered in its place while the others are kept.
import { Kind, getOperationAST, type ExecutionArgs, type ValueNode } from 'graphql';
import { z } from 'zod';
import type { Context } from '../../appTypes.ts';
import type { RequestInfo } from '../../domain/caller.ts';
import { ConflictError, ForbiddenError, KeywardenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { tenantCaller } from '../authorization.ts';
import type { Tx } from '../audit.ts';
import { isUniqueViolation, parseInput } from '../validation.ts';
import {
  MAX_BULK_KEYS, createInput, insertKey, newSecrets, publicIdTaken, replaceSecret, rotateInput,
  type IssuedKey, type NewSecret,
} from './issue.ts';
import { invalidateKeys } from './records.ts';

/** The failures an item answers in its place; anything else fails the whole call. */
export type ItemError = ValidationError | NotFoundError | ConflictError | ForbiddenError;
const isItemError = (error: unknown): error is ItemError =>
  error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConflictError || error instanceof ForbiddenError;

/** One item's outcome, at its index in the input's items. */
export interface BulkItemResult {
  index: number;
  issued: IssuedKey | null;
  error: ItemError | null;
}

export interface BulkIssued {
  results: BulkItemResult[];
}

const bulkShape = z.object({
  items: z.array(z.unknown()).min(1, 'must hold at least one item').max(MAX_BULK_KEYS, `must hold at most ${MAX_BULK_KEYS} items`),
  atomic: z.boolean().nullish(),
});

/** An item's failure, named by its place in the input: paths under input.items.<index>, the message prefixed. */
function atItem<E extends KeywardenError>(error: E, index: number): E {
  if (error instanceof ValidationError) {
    return new ValidationError(error.fieldErrors.map((e) => ({
      path: e.path[0] === 'input' ? ['input', 'items', index, ...e.path.slice(1)] : ['input', 'items', index, ...e.path],
      message: e.message,
    }))) as unknown as E;
  }
  error.message = `items.${index}: ${error.message}`;
  return error;
}

interface BulkSpec<Input> {
  schema: z.ZodType<Input>;
  write: (ctx: Context, tx: Tx, input: Input, secret: NewSecret, now: Date) => Promise<IssuedKey>;
  /** A unique column a write may race for (createKeys: a chosen public id). */
  conflict?: (input: Input) => KeywardenError;
  /** Input-wide checks after each item parsed (rotateKeys: no key twice). */
  check?: (inputs: Input[]) => void;
}

async function bulkIssue<Input>(ctx: Context, raw: unknown, spec: BulkSpec<Input>): Promise<BulkIssued> {
  const caller = tenantCaller(ctx);
  const shape = parseInput(bulkShape, raw);
  const items = shape.items;
  const atomic = shape.atomic ?? true;
  const now = ctx.app.clock();
  const parsed = items.map((item, index) => {
    try {
      return { index, input: parseInput(spec.schema, item) };
    } catch (error) {
      if (error instanceof ValidationError) return { index, error: atItem(error, index) as ValidationError };
      throw error;
    }
  });
  const invalid = parsed.filter((p) => 'error' in p);
  if (atomic && invalid.length > 0) {
    throw new ValidationError(invalid.flatMap((p) => 'error' in p && p.error ? p.error.fieldErrors : []));
  }
  const valid = parsed.filter((p): p is { index: number; input: Input } => 'input' in p);
  spec.check?.(valid.map((p) => p.input));
  const prepared = preparedSecrets.get(ctx.request);
  preparedSecrets.delete(ctx.request);
  const secrets = prepared && prepared.length >= valid.length ? prepared : await newSecrets(ctx, valid.length);

  const writeOne = (tx: Tx, item: { index: number; input: Input }, i: number) =>
    spec.write(ctx, tx, item.input, secrets[i]!, now).catch((error: unknown) => {
      if (spec.conflict && isUniqueViolation(error)) throw atItem(spec.conflict(item.input), item.index);
      if (error instanceof KeywardenError) throw atItem(error, item.index);
      throw error;
    });

  const results: BulkItemResult[] = new Array(items.length);
  for (const p of parsed) if ('error' in p) results[p.index] = { index: p.index, issued: null, error: p.error ?? null };
  if (atomic) {
    const issued = await ctx.db.$transaction(async (tx) => {
      const done: IssuedKey[] = [];
      for (const [i, item] of valid.entries()) done.push(await writeOne(tx, item, i));
      return done;
    });
    valid.forEach((item, i) => (results[item.index] = { index: item.index, issued: issued[i]!, error: null }));
  } else {
    for (const [i, item] of valid.entries()) {
      try {
        const issued = await ctx.db.$transaction((tx) => writeOne(tx, item, i));
        results[item.index] = { index: item.index, issued, error: null };
      } catch (error) {
        if (!isItemError(error)) throw error;
        results[item.index] = { index: item.index, issued: null, error };
      }
    }
  }
  const changed = results.flatMap((r) => (r.issued ? [r.issued.apiKey.id] : []));
  await invalidateKeys(ctx, caller.tenantId, changed);
  return { results };
}

const preparedSecrets = new WeakMap<RequestInfo, NewSecret[]>();
const BULK_FIELDS = new Set(['createKeys', 'rotateKeys']);

/** How many items a bulk field's `input` argument holds, as sent; undefined when it cannot be told. */
function itemCount(input: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  const fromVariable = (name: string) => variables[name];
  let items: unknown;
  if (input?.kind === Kind.VARIABLE) items = (fromVariable(input.name.value) as { items?: unknown } | null | undefined)?.items;
  else if (input?.kind === Kind.OBJECT) {
    const value = input.fields.find((f) => f.name.value === 'items')?.value;
    if (value?.kind === Kind.LIST) return value.values.length;
    if (value?.kind === Kind.VARIABLE) items = fromVariable(value.name.value);
  }
  return Array.isArray(items) ? items.length : undefined;
}

/**
 * Before a mutation request's transaction opens: the secrets its createKeys or rotateKeys field
 * will need, hashed while no connection or lock waits on argon2 (a thousand hashes take longer than
 * a transaction may stay open). Only for a tenant caller holding keys:write, so that no one else
 * can spend argon2 time before being refused; the field takes them, or hashes its own.
 */
export async function prepareBulkSecrets(ctx: Context, args: ExecutionArgs): Promise<void> {
  const caller = ctx.caller;
  if (!('scopes' in caller) || !caller.scopes.has('keys:write')) return;
  const operation = getOperationAST(args.document, args.operationName);
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD || !BULK_FIELDS.has(selection.name.value)) continue;
    const input = selection.arguments?.find((a) => a.name.value === 'input')?.value;
    const n = itemCount(input, (args.variableValues ?? {}) as Record<string, unknown>);
    if (n !== undefined && n >= 1 && n <= MAX_BULK_KEYS) preparedSecrets.set(ctx.request, await newSecrets(ctx, n));
    return; // one argon2-costing field per operation
  }
}

/** createKey for each item: see the file's head. */
export function createKeys(ctx: Context, raw: unknown): Promise<BulkIssued> {
  return bulkIssue(ctx, raw, {
    schema: createInput,
    write: insertKey,
    conflict: (input) => publicIdTaken(input.publicId),
  });
}

/** rotateKey for each item; a key may appear once (a second rotation would end the first's grace). */
export function rotateKeys(ctx: Context, raw: unknown): Promise<BulkIssued> {
  return bulkIssue(ctx, raw, {
    schema: rotateInput,
    write: replaceSecret,
    check: (inputs) => {
      const seen = new Set<string>();
      const twice = inputs.filter((input) => seen.size === seen.add(input.id).size).map((input) => input.id);
      if (twice.length > 0) throw ValidationError.field(['input', 'items'], `names a key more than once: ${[...new Set(twice)].join(', ')}`);
    },
  });
}
