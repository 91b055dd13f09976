import { GraphQLError, Kind, type DefinitionNode, type DocumentNode, type ExecutionResult, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { App, Context } from '../appTypes.ts';
import type { IntrospectionMode } from '../config.ts';
import { requestInfo } from '../context.ts';
import { authenticate } from '../services/authentication.ts';
import { presentedCredential } from './credentials.ts';

// The schema is public knowledge to whoever holds a credential (GraphiQL sends one in its headers);
// in production an anonymous caller learns it neither by introspection nor from "Did you mean"
// suggestions. KEYWARDEN_INTROSPECTION chooses.

const SUGGESTION = /\s*Did you mean .+\?/g;
const suggests = (message: string) => /Did you mean .+\?/.test(message);

function asksIntrospection(set: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): boolean {
  return set.selections.some((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === '__schema' || s.name.value === '__type' || (s.selectionSet !== undefined && asksIntrospection(s.selectionSet, document, seen));
    if (s.kind === Kind.INLINE_FRAGMENT) return asksIntrospection(s.selectionSet, document, seen);
    if (seen.has(s.name.value)) return false;
    seen.add(s.name.value);
    const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value);
    return fragment?.kind === Kind.FRAGMENT_DEFINITION && asksIntrospection(fragment.selectionSet, document, seen);
  });
}

export function useIntrospectionPolicy(app: App, mode: IntrospectionMode): Plugin<Context> {
  if (mode === 'always') return {};
  /** Validation errors come before the context: the credential, if any, is checked here. */
  const authenticated = async (request: Request, server: unknown): Promise<boolean> => {
    if (mode === 'never') return false;
    const credential = presentedCredential(request);
    if (!credential) return false;
    try {
      return (await authenticate(app, credential, requestInfo(app, request, server as never))).kind !== 'anonymous';
    } catch {
      return false;
    }
  };
  const masked = (result: ExecutionResult): ExecutionResult =>
    result.errors?.some((e) => suggests(e.message))
      ? { ...result, errors: result.errors.map((e) => (suggests(e.message) ? new GraphQLError(e.message.replace(SUGGESTION, ''), { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: e.extensions }) : e)) }
      : result;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (mode === 'authenticated' && args.contextValue.caller.kind !== 'anonymous') return;
      const operation = args.document.definitions.find((d: DefinitionNode) => d.kind === Kind.OPERATION_DEFINITION && (args.operationName == null || d.name?.value === args.operationName));
      if (operation?.kind !== Kind.OPERATION_DEFINITION || !asksIntrospection(operation.selectionSet, args.document)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            mode === 'never' ? 'Introspection is disabled (KEYWARDEN_INTROSPECTION)' : 'Introspection needs a credential (KEYWARDEN_INTROSPECTION)',
            { extensions: { code: 'BAD_REQUEST', limit: 'introspection' } },
          ),
        ],
      });
    },
    async onResultProcess({ request, serverContext, result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      const single = result as ExecutionResult;
      if (!single.errors?.some((e) => suggests(e.message))) return;
      if (await authenticated(request, serverContext)) return;
      setResult(masked(single));
    },
  };
}
