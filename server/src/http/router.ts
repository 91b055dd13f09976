import type { IncomingMessage, ServerResponse } from 'node:http';
import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { App } from '../appTypes.ts';
import { requestIdOf, type ServerContext } from '../context.ts';
import { pendingMigrations } from '../db/migrations.ts';
import { useMutationTransaction } from '../mutationTransaction.ts';
import { AUDIT_EXPORT_PATH, auditExportRoute } from './auditExport.ts';
import { useRequestBodyLimit } from './bodyLimit.ts';
import { useOneArgon2FieldPerOperation } from './argon2Fields.ts';
import { useErrorPolicy } from './errorPolicy.ts';
import { useHttpMetrics } from './httpMetrics.ts';
import { useIntrospectionPolicy } from './introspection.ts';
import { METRICS_PATH, metricsRoute } from './metricsRoute.ts';
import { useOperationLimits } from './operationLimits.ts';
import { OPENAPI_PATH, openApiRoute } from './openapi.ts';
import { oauthRoute, INTROSPECT_PATH, REVOKE_PATH, TOKEN_PATH } from './oauthRoutes.ts';
import { metadataPaths, oauthMetadataRoute } from './oauthMetadata.ts';
import { useRequestIdHeader } from './requestId.ts';
import { restFailure } from './errors.ts';
import { fetchRestRequest, nodeRestRequest, type RestRoute } from './rest.ts';
import { API_SECURITY_HEADERS, useCsrfPrevention, useSecurityHeaders } from './securityHeaders.ts';
import { VERIFY_PATH, verifyRoute } from './verifyRoute.ts';
import { INVALIDATIONS_PATH, invalidationsRoute } from './invalidationsRoute.ts';
import { FORWARD_AUTH_PATH, forwardAuthRoute, isForwardAuthPath } from './forwardAuthRoute.ts';
import { isRevealPath, revealRoute } from './revealRoute.ts';
import { GITHUB_LEAKS_PATH, githubLeaksRoute } from './leaksRoute.ts';
import { consoleRoute, isConsolePath } from './consoleRoute.ts';

// Every route of the server, and the order requests meet Yoga's plugins in.
//
//   POST /v1/verify         verifyRoute       a verdict; straight from node:http in the server process
//   *    /v1/forward-auth   forwardAuthRoute  a reverse proxy's "may this pass?" (and /v1/forward-auth/envoy/…); straight from node:http too
//   GET  /v1/audit/export   auditExportRoute  the audit trail as NDJSON
//   GET  /v1/invalidations  invalidationsRoute  credential changes as server-sent events (resource servers' verdict caches)
//   GET|POST /v1/reveal/…   revealRoute       a single-use reveal link (GET shows a button; POST reveals), and its copy script
//   POST /oauth/token       oauthRoute        OAuth client credentials grant (RFC 6749 §4.4)
//   POST /oauth/revoke      oauthRoute        token revocation (RFC 7009)
//   POST /oauth/introspect  oauthRoute        token introspection (RFC 7662), for keys:verify holders
//   GET  /.well-known/oauth-authorization-server  oauthMetadataRoute  RFC 8414 metadata
//   /graphql                Yoga              the management API (GraphiQL on GET from a browser)
//   GET  /healthz           Yoga              the process answers
//   GET  /readyz            readiness plugin  the database answers and has no pending migration
//   GET  /metrics           metricsRoute      Prometheus text format (KEYWARDEN_METRICS; bearer KEYWARDEN_METRICS_TOKEN)
//   GET  /openapi.json      openApiRoute      the OpenAPI 3.1 document of these REST routes (openapi.ts)
//   POST /v1/leaks/github   githubLeaksRoute  GitHub secret scanning's leaked-key reports (KEYWARDEN_SECRET_SCANNING_KEYS_FILE)
//   GET  /console/…         consoleRoute      the web console (console/dist); POST|DELETE /console/session its session cookie

/** The REST routes by path: answered before any GraphQL work. */
const REST_ROUTES: ReadonlyMap<string, RestRoute> = new Map<string, RestRoute>([
  [VERIFY_PATH, verifyRoute],
  [AUDIT_EXPORT_PATH, auditExportRoute],
  [INVALIDATIONS_PATH, invalidationsRoute],
  [TOKEN_PATH, oauthRoute],
  [REVOKE_PATH, oauthRoute],
  [OPENAPI_PATH, openApiRoute],
  [INTROSPECT_PATH, oauthRoute],
  [GITHUB_LEAKS_PATH, githubLeaksRoute],
]);

/**
 * The REST routes of an app: GET /metrics unless KEYWARDEN_METRICS=false, and the OAuth metadata
 * where RFC 8414 puts it for the configured issuer.
 */
function restRoutes(app: App): ReadonlyMap<string, RestRoute> {
  const routes = new Map(REST_ROUTES);
  for (const path of metadataPaths(app)) routes.set(path, oauthMetadataRoute);
  if (app.config.metrics.enabled) routes.set(METRICS_PATH, metricsRoute);
  return routes;
}

/** Yoga's plugins, in the order they see a request. */
export function edgePlugins(app: App, graphiql: { readonly policy: string | undefined }) {
  return [
    // First: every response, whichever plugin ends it, names its request and has its security headers.
    useRequestIdHeader(),
    // Every answer counted by route and status; GraphQL requests timed from here.
    useHttpMetrics(app.metrics),
    useSecurityHeaders(graphiql, app.config.corsOrigins.length > 0),
    useRestRoutes(app),
    useRequestBodyLimit(),
    // A GET or form-like POST to /graphql without the CSRF header: 403 before it is parsed.
    useCsrfPrevention(),
    useErrorPolicy(app.logger),
    // Depth, aliases, tokens, directives and cost: refused before execution.
    ...useOperationLimits(app.config.graphqlLimits),
    useOneArgon2FieldPerOperation(),
    // Before the error policy's result rewrite sees them: suggestions masked for anonymous callers.
    useIntrospectionPolicy(app, app.config.introspection),
    // A mutation runs in one transaction; the error policy above has shaped its errors by then.
    useMutationTransaction(),
    useReadiness(app),
  ];
}

/**
 * The Node request listener the server process uses: POST /v1/verify straight from node:http
 * (no fetch Request/Response objects on the hot path), everything else through Yoga. The fast path
 * writes the same security headers as Yoga's plugin.
 */
export function createRequestListener(app: App): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Any method, and whatever headers the proxy copied from its client (an Origin too): no CORS here.
    if (isForwardAuthPath(req.url ?? '')) {
      forwardAuth(app, req, res);
      return;
    }
    // A browser's request (it has an Origin) goes through Yoga, for CORS; resource servers do not.
    if (req.method !== 'POST' || !isVerifyPath(req.url ?? '') || req.headers.origin !== undefined) {
      void app.yoga(req, res);
      return;
    }
    const http = nodeRestRequest(req, VERIFY_PATH);
    void verifyRoute(app, http)
      .catch((error: unknown) => restFailure(app.logger, error, { requestId: requestIdOf(http.request), route: VERIFY_PATH }))
      .then((r) => {
        if (!res.headersSent) res.writeHead(r.status, { ...r.headers, ...API_SECURITY_HEADERS });
        res.end(r.body);
        app.metrics.httpResponse(VERIFY_PATH, res.statusCode);
      });
  };
}

function forwardAuth(app: App, req: IncomingMessage, res: ServerResponse): void {
  const http = nodeRestRequest(req, (req.url ?? '').replace(/\?.*$/, ''));
  // No body is read: drain whatever the proxy sent.
  req.resume();
  void forwardAuthRoute(app, http).then((r) => {
    if (!res.headersSent) res.writeHead(r.status, { ...r.headers, ...API_SECURITY_HEADERS });
    res.end(r.body);
    app.metrics.httpResponse(FORWARD_AUTH_PATH, res.statusCode);
  });
}

function isVerifyPath(pathWithQuery: string): boolean {
  return pathWithQuery === VERIFY_PATH || pathWithQuery.startsWith(`${VERIFY_PATH}?`);
}

/** The REST routes inside Yoga (tests, `yoga.fetch`, and every route but the fast path above). */
function useRestRoutes(app: App): Plugin<Record<string, unknown>, ServerContext> {
  const routes = restRoutes(app);
  return {
    onRequest({ request, url, endResponse, serverContext, fetchAPI }) {
      const route = routes.get(url.pathname) ?? prefixRoute(url.pathname);
      if (route === undefined) return;
      return route(app, fetchRestRequest(request, url.pathname, serverContext), fetchAPI).then((r) =>
        // A copy: the Response may add to the object it is given (Content-Length), and r.headers
        // can be a shared frozen object.
        endResponse(new fetchAPI.Response(r.body, { status: r.status, headers: { ...r.headers } })),
      );
    },
  };
}

/** The routes that own every path under a prefix. */
function prefixRoute(pathname: string): RestRoute | undefined {
  if (isForwardAuthPath(pathname)) return forwardAuthRoute;
  if (isRevealPath(pathname)) return revealRoute;
  if (isConsolePath(pathname)) return consoleRoute;
  return undefined;
}

function useReadiness(app: App): Plugin {
  return useReadinessCheck({
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
  });
}
