import { KeywardenError, ValidationError, ForbiddenError, RateLimitedError, ConflictError, NotFoundError } from '@keywarden/sdk';

// The API's errors in words a person understands. The console never decides what is allowed: it
// asks the API and shows its answer, so a refusal here is the API's refusal.

export interface Explained {
  /** One sentence for the page. */
  message: string;
  /** Per-field messages (by the last part of the field's path), for forms. */
  fields: Record<string, string>;
  /** The server's request id, for a bug report. */
  requestId?: string;
}

export function explainError(error: unknown): Explained {
  if (!(error instanceof KeywardenError)) {
    return { message: error instanceof Error ? `Something went wrong: ${error.message}` : 'Something went wrong.', fields: {} };
  }
  const base = { requestId: error.requestId, fields: {} as Record<string, string> };
  if (error instanceof ValidationError) {
    for (const field of error.fieldErrors) base.fields[String(field.path[field.path.length - 1] ?? '')] = field.message;
    return { ...base, message: error.fieldErrors.length > 0 ? 'Some fields need another value: see below.' : error.message };
  }
  if (error instanceof ForbiddenError) {
    const needs = error.missingScopes.length > 0 ? ` It needs ${error.missingScopes.join(', ')}, which your role does not hold.` : '';
    return { ...base, message: `You are not allowed to do this.${needs} ${error.message}`.trim() };
  }
  if (error instanceof RateLimitedError) return { ...base, message: `Too many attempts: try again in ${error.retryAfter} s.` };
  if (error instanceof ConflictError) return { ...base, message: `${error.message}${error.field ? ` (${error.field})` : ''}` };
  if (error instanceof NotFoundError) return { ...base, message: 'It does not exist, or it was deleted.' };
  if (error.code === 'UNAUTHENTICATED') return { ...base, message: 'Your session has ended: log in again.' };
  if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') return { ...base, message: 'The server cannot be reached. Check your connection and try again.' };
  return { ...base, message: error.message };
}
