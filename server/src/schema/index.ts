// Imports each domain module for its side effect of registering types, then builds the schema.
import { builder } from '../builder.ts';
import './scalars.ts';
import './errors.ts';
import './viewer.ts';
import './verify.ts';
import './tenant.ts';
import './member.ts';
import './role.ts';
import './scope.ts';
import './session.ts';
import './group.ts';
import './ipRule.ts';
import './apiKey.ts';
import './accessToken.ts';
import './audit.ts';

export const schema = builder.toSchema({ sortSchema: true });
