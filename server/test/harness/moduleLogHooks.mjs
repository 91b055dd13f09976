// The resolve hook moduleLog.mjs registers (it runs on Node's hooks thread).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (process.env.KEYWARDEN_MODULE_LOG) appendFileSync(process.env.KEYWARDEN_MODULE_LOG, `${result.url}\n`);
  return result;
}
