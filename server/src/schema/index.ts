// Imports each domain module for its side effect of registering types, then builds the schema.
import { builder } from '../builder.ts';
import './scalars.ts';
import './errors.ts';
import './viewer.ts';
import './verify.ts';
import './tenants.ts';
import './members.ts';
import './roles.ts';
import './scopes.ts';
import './sessions.ts';
import './groups.ts';
import './ipRules.ts';
import './limits.ts';
import './keys.ts';
import './leaks.ts';
import './keyNetworks.ts';
import './identities.ts';
import './accessTokens.ts';
import './routeMaps.ts';
import './audit.ts';
import './webhooks.ts';

export const schema = builder.toSchema({ sortSchema: true });
