import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { App } from './appTypes.ts';
import { createContext, requestIdOf, type Context, type ServerContext } from './context.ts';
import { schema } from './schema/index.ts';
import { toPublicError } from './http/errorPolicy.ts';
import { edgePlugins } from './http/router.ts';
import { corsOptions, GraphiQLPage } from './http/securityHeaders.ts';
import { isDatabaseUnavailable, serviceUnavailable } from './db/unavailable.ts';

export type KeywardenYoga = YogaServerInstance<ServerContext, Context>;

export function createYogaServer(app: App): KeywardenYoga {
  // Rendered once, with the hashes of its inline scripts for its Content-Security-Policy; the
  // renderer is loaded at the first page asked for.
  const graphiql = new GraphiQLPage(async () => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL);
  return createYoga<ServerContext, Context>({
    schema,
    context: async (initial) => {
      try {
        return await createContext(app, initial);
      } catch (error) {
        // Authentication failures are expected errors; anything else is masked like a resolver's.
        // A caller that cannot be authenticated for want of the database is told to come back.
        const id = requestIdOf(initial.request);
        throw toPublicError(isDatabaseUnavailable(error) ? serviceUnavailable(app.logger, error, { requestId: id }) : error, id, app.logger);
      }
    },
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // GraphiQL is served from the package's own bundle: no request leaves the machine.
    graphiql: { title: 'Keywarden GraphiQL' },
    renderGraphiQL: graphiql.render,
    // Off unless KEYWARDEN_CORS_ORIGINS names origins (Yoga's default allows every origin).
    cors: corsOptions(app.config.corsOrigins),
    maskedErrors: false,
    // Enforced by useRequestBodyLimit, without a stream pipeline per request.
    maxRequestBodySize: false,
    logging: app.logger,
    // The order, and every route, in one place.
    plugins: edgePlugins(app, graphiql),
  });
}
