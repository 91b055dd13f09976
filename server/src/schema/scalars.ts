import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';

builder.scalarType('DateTime', {
  description: 'An ISO-8601 date and time in UTC, e.g. 2026-11-23T10:00:00.000Z',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) {
      throw new GraphQLError(`${JSON.stringify(value)} is not an ISO-8601 date-time`, { extensions: { code: 'BAD_REQUEST' } });
    }
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
});
