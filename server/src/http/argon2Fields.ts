import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type OperationDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

// Mutations that run argon2 (tens of milliseconds of CPU each): login and setMemberPassword verify
// or hash a password, createMember hashes one when given; createKeys and rotateKeys hash one secret
// per item (up to 1,000, two at a time); reportLeakedKey verifies the pasted key's secret. One per operation, so a single request cannot queue a
// hundred hashes beyond one bulk call's.
const ARGON2_FIELDS = new Set(['login', 'setMemberPassword', 'createMember', 'createKeys', 'rotateKeys', 'reportLeakedKey']);
export const ARGON2_RULE = 'oneArgon2FieldPerOperation';

/** createMember costs argon2 only with a password; a variable input may carry one. */
function costsArgon2(field: FieldNode): boolean {
  if (!ARGON2_FIELDS.has(field.name.value)) return false;
  if (field.name.value !== 'createMember') return true;
  const input = field.arguments?.find((a) => a.name.value === 'input')?.value;
  return input?.kind !== Kind.OBJECT || input.fields.some((f) => f.name.value === 'password');
}

/** The argon2 fields an operation's root selection asks for, through its fragments. */
function countArgon2(context: ValidationContext, set: SelectionSetNode, seen: Set<string>): number {
  let n = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) n += costsArgon2(selection) ? 1 : 0;
    else if (selection.kind === Kind.INLINE_FRAGMENT) n += countArgon2(context, selection.selectionSet, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) n += countArgon2(context, fragment.selectionSet, seen);
    }
  }
  return n;
}

export function oneArgon2FieldRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation: OperationDefinitionNode) {
      if (operation.operation !== 'mutation') return;
      const n = countArgon2(context, operation.selectionSet, new Set());
      if (n > 1) {
        context.reportError(
          new GraphQLError(`At most one of login, setMemberPassword, createMember with a password, createKeys, rotateKeys and reportLeakedKey per operation, found ${n} (${ARGON2_RULE})`, {
            nodes: operation,
            extensions: { code: 'BAD_REQUEST', limit: ARGON2_RULE },
          }),
        );
      }
    },
  };
}

export function useOneArgon2FieldPerOperation(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(oneArgon2FieldRule) };
}
