// The set-up most test files share: one app on its own database for the whole file, created
// before the first test with a platform operator's credential, and closed after the last.
import { afterAll, beforeAll } from 'vitest';
import { createTestApp, type TestApp } from './app.ts';
import { platformToken } from './fixtures.ts';

export interface SharedTestApp extends TestApp {
  /** A platform operator's credential, made once for the file. */
  readonly platform: string;
}

/**
 * Registers the file's beforeAll/afterAll and returns the app they manage: usable from the
 * file's own beforeAll hooks (registered after this call) and in every test.
 */
export function useTestApp(options: Parameters<typeof createTestApp>[0] = {}): SharedTestApp {
  let current: { app: TestApp; platform: string } | undefined;
  const ready = () => {
    if (!current) throw new Error('useTestApp: the app exists from beforeAll on');
    return current;
  };
  beforeAll(async () => {
    const app = await createTestApp(options);
    current = { app, platform: await platformToken(app.app) };
  });
  afterAll(async () => {
    await current?.app.close();
  });
  return {
    get app() { return ready().app.app; },
    get logs() { return ready().app.logs; },
    get platform() { return ready().platform; },
    graphql: (query, variables, opts) => ready().app.graphql(query, variables, opts),
    executeOperation: (document, variables, opts) => ready().app.executeOperation(document, variables, opts),
    fetch: (path, init, opts) => ready().app.fetch(path, init, opts),
    close: () => ready().app.close(),
  };
}
