// `pnpm build` (and the first half of `pnpm start`): bundles the server into dist/ (bundle.ts).
import { buildServer } from './bundle.ts';

const args = process.argv.slice(2);
await buildServer(args.length ? args : undefined);
