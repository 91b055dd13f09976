import { GraphQLError, type ValidationContext } from 'graphql';
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

export function useOperationLimits(limits: GraphQLLimits): Plugin[] {
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ...refuseWith('maxDepth') }),
    maxAliasesRule({ n: limits.maxAliases, ...refuseWith('maxAliases') }),
    maxDirectivesRule({ n: limits.maxDirectives, ...refuseWith('maxDirectives') }),
    costLimitRule({ maxCost: limits.maxCost, ...refuseWith('maxCost') }),
  ];
  return [
    maxTokensPlugin({ n: limits.maxTokens, ...refuseWith('maxTokens') }) as Plugin,
    { onValidate: ({ addValidationRule }) => rules.forEach((rule) => addValidationRule(rule)) },
  ];
}
