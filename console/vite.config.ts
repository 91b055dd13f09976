import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the Keywarden server at /console (server/src/http/consoleRoute.ts),
// under a CSP that allows only this origin's scripts and styles: the build must have no inline
// script or style, and nothing from another origin.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: {
    // Inside the workspace the SDK is bundled from its sources (see sdk/package.json "exports").
    conditions: ['keywarden-source', 'browser', 'module', 'import', 'default'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline `data:` modules or styles that the CSP would refuse.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  // `pnpm --filter @keywarden/console dev`: the page from Vite, the API from a local server.
  server: {
    proxy: { '/graphql': 'http://127.0.0.1:4000', '/v1': 'http://127.0.0.1:4000', '/console/session': 'http://127.0.0.1:4000' },
  },
});
