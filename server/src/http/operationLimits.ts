import {
  BREAK, GraphQLError, Kind, TypeInfo, ValidationContext, visit, visitWithTypeInfo,
  type ArgumentNode, type ASTVisitor, type DocumentNode, type GraphQLSchema, type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { costLimitRule, type CostLimitOptions } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLLimits } from '../config.ts';
import { DEFAULT_PAGE_SIZE } from '../builder.ts';

// graphql-armor's rules, with their refusals as the project's BAD_REQUEST. The token count stops
// the parser itself (a 900 KB document of aliases never becomes an AST); the rest are validation
// rules, so nothing past a limit is executed.

/** The refusal the caller sees: the limit's setting named, the plugin's "Syntax Error:" prefix dropped. */
function refusal(limit: string, error: GraphQLError): GraphQLError {
  return new GraphQLError(`${error.message.replace(/^Syntax Error: /, '')} (${limit})`, {
    extensions: { code: 'BAD_REQUEST', limit },
  });
}

/** Reports the refusal as a validation error, and stops validating: the rest is not worth the work. */
function refuseWith(limit: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        // Thrown out of validation: the document's remaining rules (some quadratic) never run.
        throw refusal(limit, error);
      },
    ],
  };
}

const INT_MAX = 2 ** 31 - 1;

/**
 * graphql-armor's cost, weighted as our server spends CPU: every object (a row, an edge, a
 * connection) costs far more than one more scalar of it, and a field costs the same at any depth.
 * Measured with `pnpm bench --only worst`: about 5 µs of CPU per unit on PGlite, for every shape.
 */
const COST_WEIGHTS = { objectCost: 10, scalarCost: 1, depthCostFactor: 1 } as const;

/** A page size graphql-armor can count: a GraphQL Int. Anything else is left to variable coercion's own error. */
function intValue(value: unknown): ValueNode | undefined {
  return Number.isInteger(value) && Math.abs(value as number) <= INT_MAX ? { kind: Kind.INT, value: String(value) } : undefined;
}

const isPageSize = (argument: ArgumentNode) => argument.name.value === 'first' || argument.name.value === 'last';

/** Per parsed document (Yoga caches those): asked on every request. */
const variablePageSizes = new WeakMap<DocumentNode, boolean>();

/** Whether a page size comes from a variable: then the cost depends on the request, not only the document. */
function hasVariablePageSize(document: DocumentNode): boolean {
  let found = variablePageSizes.get(document);
  if (found === undefined) variablePageSizes.set(document, (found = findVariablePageSize(document)));
  return found;
}

function findVariablePageSize(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Argument(argument) {
      if (isPageSize(argument) && argument.value.kind === Kind.VARIABLE) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The document as graphql-armor's cost should see it: on each connection field, one `first` with
 * the page size the server will use. A `first`/`last: $n` becomes the request's value of `$n` (or
 * its default); a connection asked for without either, the default page size. A value that is not
 * an Int is left as it is: variable coercion refuses it with its own error.
 */
export function countedDocument(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}): DocumentNode {
  const defaults = new Map<string, ValueNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const value = variable.defaultValue;
      const known = defaults.get(variable.variable.name.value);
      // The same name in two operations: the larger default counts.
      if (value?.kind === Kind.INT && (known?.kind !== Kind.INT || Number(value.value) > Number(known.value))) {
        defaults.set(variable.variable.name.value, value);
      }
    }
  }
  /** undefined: no page size given (the default applies); null: one that cannot be counted. */
  const sizeOf = (value: ValueNode): number | null | undefined => {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.NULL) return undefined;
    if (value.kind !== Kind.VARIABLE) return null;
    const name = value.name.value;
    if (Object.hasOwn(variables, name)) {
      if (variables[name] === null || variables[name] === undefined) return undefined;
      const given = intValue(variables[name]);
      return given ? Number((given as { value: string }).value) : null;
    }
    const fallback = defaults.get(name);
    return fallback ? Number((fallback as { value: string }).value) : undefined;
  };
  const typeInfo = new TypeInfo(schema);
  return visit(document, visitWithTypeInfo(typeInfo, {
    Field(field) {
      const args = typeInfo.getFieldDef()?.args ?? [];
      if (!args.some((a) => a.name === 'first') || !args.some((a) => a.name === 'last')) return undefined;
      const given = (field.arguments ?? []).filter(isPageSize).map((a) => sizeOf(a.value));
      if (given.includes(null)) return undefined;
      const sizes = given.filter((n): n is number => n !== undefined);
      const size = sizes.length ? Math.max(...sizes) : DEFAULT_PAGE_SIZE;
      const first: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(size) } };
      return { ...field, arguments: [first, ...(field.arguments ?? []).filter((a) => !isPageSize(a))] };
    },
  }));
}

/** graphql-armor's cost of each operation of the counted document; the largest. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}): number {
  let largest = 0;
  const accept = { onAccept: [(_context: ValidationContext | null, { n }: { n: number }) => void (largest = Math.max(largest, n))] };
  checkCost(schema, document, variables, { maxCost: Infinity, ...COST_WEIGHTS, ...accept });
  return largest;
}

function checkCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, options: CostLimitOptions): void {
  const counted = countedDocument(schema, document, variables);
  const cost = costLimitRule(options)(new ValidationContext(schema, counted, new TypeInfo(schema), () => {}));
  for (const definition of counted.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) cost.onOperationDefinitionEnter(definition);
  }
}

/**
 * The cost limit. A document whose page sizes are all written in it is checked by a validation
 * rule (Yoga caches validation per document); one that takes a page size from a variable, on
 * every request, with its variables.
 */
function useCostLimit(maxCost: number): Plugin {
  const options = { maxCost, ...COST_WEIGHTS, ...refuseWith('maxCost') };
  const costRule = (context: ValidationContext): ASTVisitor => ({
    // On the operation, as graphql-armor's own rule: the depth and alias limits refuse first.
    OperationDefinition(operation) {
      const document = context.getDocument();
      if (operation === document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) && !hasVariablePageSize(document)) {
        checkCost(context.getSchema(), document, {}, options);
      }
    },
  });
  return {
    onValidate: ({ addValidationRule, params, context }) => {
      addValidationRule(costRule);
      if (!hasVariablePageSize(params.documentAST)) return undefined;
      // After validation (or its cached result): a document the other limits refuse is refused by them.
      return ({ valid }) => {
        if (!valid) return;
        let variables = (context as { params?: { variables?: unknown } }).params?.variables;
        if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) variables = {};
        checkCost(params.schema, params.documentAST, variables as Record<string, unknown>, options);
      };
    },
  };
}

export function useOperationLimits(limits: GraphQLLimits): Plugin[] {
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ...refuseWith('maxDepth') }),
    maxAliasesRule({ n: limits.maxAliases, ...refuseWith('maxAliases') }),
    maxDirectivesRule({ n: limits.maxDirectives, ...refuseWith('maxDirectives') }),
  ];
  return [
    maxTokensPlugin({ n: limits.maxTokens, ...refuseWith('maxTokens') }) as Plugin,
    { onValidate: ({ addValidationRule }) => rules.forEach((rule) => addValidationRule(rule)) },
    useCostLimit(limits.maxCost),
  ];
}
