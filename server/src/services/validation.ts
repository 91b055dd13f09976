import type { z } from 'zod';
import { ValidationError } from '../domain/errors.ts';

/**
 * Validates a mutation's input with a zod schema; failures become one ValidationError listing
 * every bad field by path (prefixed with the argument name, e.g. ["input", "email"]).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, root = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: [root, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message })),
  );
}

/** Prisma's unique-constraint violation, for turning races on unique columns into ConflictErrors. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/**
 * A write racing others for a unique column (a name, a slug, a public id): Prisma's
 * unique-constraint violation becomes `conflict()`, a ConflictError naming the field.
 */
export async function orConflict<T>(write: Promise<T>, conflict: () => Error): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }
}
