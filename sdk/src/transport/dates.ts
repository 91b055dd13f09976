// DateTime as Date: the server sends ISO strings; every result the SDK hands out has Date objects
// in their place. GraphQL results are read along their document (each field's type from the schema,
// so custom documents run with `client.request()` get the same treatment); REST and NDJSON answers
// along a schema type's fields. Variables need nothing: JSON.stringify writes a Date as ISO text.

import {
  buildSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { mapExchange, type Exchange } from '@urql/core';
import { schemaSDL } from '../gql/schema.ts';

const DATE_TIME = 'DateTime';

let schema: GraphQLSchema | undefined;

/** The schema this SDK was generated from, built once on first use. */
export function keywardenSchema(): GraphQLSchema {
  return (schema ??= buildSchema(schemaSDL, { assumeValidSDL: true }));
}

/** A DateTime leaf (or a list of them, at any depth) with its ISO strings as Dates. */
function toDates(value: unknown): unknown {
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (Array.isArray(value)) return value.map(toDates);
  return value;
}

function fieldsOf(type: GraphQLCompositeType) {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
}

/** Whether a fragment on `condition` applies to an object whose `__typename` is known (or not). */
function applies(s: GraphQLSchema, condition: GraphQLNamedType | undefined, value: Record<string, unknown>): condition is GraphQLCompositeType {
  if (!condition || !isCompositeType(condition)) return false;
  const typename = value.__typename;
  if (typeof typename !== 'string' || typename === condition.name) return true;
  const concrete = s.getType(typename);
  return isAbstractType(condition) && isObjectType(concrete) && s.isSubType(condition, concrete);
}

function walk(
  s: GraphQLSchema,
  fragments: Map<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  value: unknown,
): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) walk(s, fragments, selectionSet, type, item);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = (selection.alias ?? selection.name).value;
      const field = fieldsOf(type)[selection.name.value];
      if (!field || !(key in record)) continue;
      const named = getNamedType(field.type);
      if (named.name === DATE_TIME) record[key] = toDates(record[key]);
      else if (selection.selectionSet && isCompositeType(named)) walk(s, fragments, selection.selectionSet, named, record[key]);
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? s.getType(fragment.typeCondition.name.value) : type;
      if (applies(s, condition, record)) walk(s, fragments, fragment.selectionSet, condition, record);
    }
  }
}

/** A GraphQL result's data with the DateTime fields its document selects as Dates (in place). */
export function reviveDates<T>(document: DocumentNode, data: T): T {
  if (data === null || typeof data !== 'object') return data;
  const s = keywardenSchema();
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const root = operation && s.getRootType(operation.operation);
  if (!operation || !root) return data;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  walk(s, fragments, operation.selectionSet, root, data);
  return data;
}

/** A plain JSON answer shaped like the schema type `typename` (REST, NDJSON) with its DateTime fields as Dates (in place). */
export function reviveDatesAs<T>(typename: string, value: T): T {
  const type = keywardenSchema().getType(typename);
  if (!type || !isCompositeType(type) || value === null || typeof value !== 'object') return value;
  const reviveRecord = (t: GraphQLCompositeType, v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v) reviveRecord(t, item);
      return;
    }
    const record = v as Record<string, unknown>;
    const fields = fieldsOf(t);
    for (const key of Object.keys(record)) {
      const field = fields[key];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (named.name === DATE_TIME) record[key] = toDates(record[key]);
      else if (isCompositeType(named)) reviveRecord(named, record[key]);
    }
  };
  reviveRecord(type, value);
  return value;
}

/** urql: every result's DateTime fields as Dates, read along the operation's document. */
export const datesExchange: Exchange = mapExchange({
  onResult(result) {
    if (result.data != null) reviveDates(result.operation.query, result.data);
    return result;
  },
});
