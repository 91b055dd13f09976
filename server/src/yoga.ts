import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { App } from './appTypes.ts';
import { createContext, requestInfo, type Context, type ServerContext } from './context.ts';
import { schema } from './schema/index.ts';
import { toPublicError, useErrorPolicy } from './http/errorPolicy.ts';
import { useVerifyRoute } from './http/verifyRoute.ts';
import { useAuditExport } from './http/auditExport.ts';
import { useRequestBodyLimit } from './http/bodyLimit.ts';
import { useOAuthRoutes } from './http/oauthRoutes.ts';
import { useRequestIdHeader } from './http/requestId.ts';
import { pendingMigrations } from './db/migrations.ts';
import { useMutationTransaction } from './mutationTransaction.ts';
import { isDatabaseUnavailable, serviceUnavailable } from './db/unavailable.ts';

export type KeywardenYoga = YogaServerInstance<ServerContext, Context>;

export function createYogaServer(app: App): KeywardenYoga {
  return createYoga<ServerContext, Context>({
    schema,
    context: async (initial) => {
      try {
        return await createContext(app, initial);
      } catch (error) {
        // Authentication failures are expected errors; anything else is masked like a resolver's.
        // A caller that cannot be authenticated for want of the database is told to come back.
        const id = requestInfo(app, initial.request, initial).id;
        throw toPublicError(isDatabaseUnavailable(error) ? serviceUnavailable(app.logger, error, { requestId: id }) : error, id, app.logger);
      }
    },
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // GraphiQL is served from the package's own bundle: no request leaves the machine.
    graphiql: { title: 'Keywarden GraphiQL' },
    renderGraphiQL,
    maskedErrors: false,
    // Enforced by useRequestBodyLimit, without a stream pipeline per request.
    maxRequestBodySize: false,
    logging: app.logger,
    plugins: [
      useRequestIdHeader(),
      // POST /v1/verify answers before any GraphQL work.
      useVerifyRoute(app),
      useAuditExport(app),
      useOAuthRoutes(app),
      useRequestBodyLimit(),
      useErrorPolicy(app.logger),
      useMutationTransaction(),
      useReadinessCheck({
        endpoint: '/readyz',
        check: async () => {
          await app.db.ping();
          const pending = await pendingMigrations(app.db);
          if (pending.length > 0) {
            return new Response(JSON.stringify({ ready: false, pendingMigrations: pending }), {
              status: 503,
              headers: { 'content-type': 'application/json' },
            });
          }
          return true;
        },
      }),
    ],
  });
}
