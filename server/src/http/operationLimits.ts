import {
  GraphQLError, Kind, TypeInfo, ValidationContext, visit,
  type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLLimits } from '../config.ts';

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

/** A page size graphql-armor can count: a GraphQL Int. Anything else is left to variable coercion's own error. */
function pageSize(value: unknown): ValueNode | undefined {
  return Number.isInteger(value) && Math.abs(value as number) <= INT_MAX ? { kind: Kind.INT, value: String(value) } : undefined;
}

/**
 * The document with each `first: $n` / `last: $n` replaced by the request's value of `$n`, or its
 * default, when that is an Int; undefined when no page size comes from a variable. graphql-armor
 * counts only page sizes written in the document.
 */
export function withVariablePageSizes(document: DocumentNode, variables: Record<string, unknown>): DocumentNode | undefined {
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
  let replaced = false;
  const rewritten = visit(document, {
    Argument(argument) {
      if ((argument.name.value !== 'first' && argument.name.value !== 'last') || argument.value.kind !== Kind.VARIABLE) return undefined;
      const name = argument.value.name.value;
      const value = Object.hasOwn(variables, name) ? pageSize(variables[name]) : defaults.get(name);
      if (!value) return undefined;
      replaced = true;
      return { ...argument, value };
    },
  });
  return replaced ? rewritten : undefined;
}

/**
 * graphql-armor's cost of each operation, page sizes from variables included. Run on every request:
 * unlike the validation rules, whose results Yoga caches per document, it depends on the variables.
 */
function refuseVariableCost(schema: GraphQLSchema, document: DocumentNode, variables: unknown, maxCost: number): void {
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) variables = {};
  const counted = withVariablePageSizes(document, variables as Record<string, unknown>);
  if (!counted) return;
  const context = new ValidationContext(schema, counted, new TypeInfo(schema), () => {});
  const cost = costLimitRule({ maxCost, ...refuseWith('maxCost') })(context);
  for (const definition of counted.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) cost.onOperationDefinitionEnter(definition as OperationDefinitionNode);
  }
}

export function useOperationLimits(limits: GraphQLLimits): Plugin[] {
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ...refuseWith('maxDepth') }),
    maxAliasesRule({ n: limits.maxAliases, ...refuseWith('maxAliases') }),
    maxDirectivesRule({ n: limits.maxDirectives, ...refuseWith('maxDirectives') }),
    costLimitRule({ maxCost: limits.maxCost, ...refuseWith('maxCost') }),
  ];
  return [
    maxTokensPlugin({ n: limits.maxTokens, ...refuseWith('maxTokens') }) as Plugin,
    {
      onValidate: ({ addValidationRule, params, context }) => {
        rules.forEach((rule) => addValidationRule(rule));
        refuseVariableCost(params.schema, params.documentAST, (context as { params?: { variables?: unknown } }).params?.variables, limits.maxCost);
      },
    },
  ];
}
