import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';
import { parseDateTime } from '../domain/dateTime.ts';
import { jsonProblem } from '../inputSafety.ts';

function badValue(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

builder.scalarType('DateTime', {
  description: 'An RFC 3339 date and time, e.g. 2026-11-23T10:00:00.000Z (years 1970-9999); answered in UTC.',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string') throw badValue('A DateTime must be a string, e.g. 2026-11-23T10:00:00Z');
    const parsed = parseDateTime(value);
    if (!parsed.ok) throw badValue(`${JSON.stringify(value.slice(0, 64))} is not accepted: a DateTime ${parsed.message}`);
    return parsed.date;
  },
});

builder.scalarType('JSON', {
  description: 'A JSON value (nested at most 32 levels, text without NUL characters or lone surrogates)',
  serialize: (value) => value,
  parseValue: (value) => {
    const problem = jsonProblem(value);
    if (problem) throw badValue(`JSON input ${problem}`);
    return value;
  },
});
