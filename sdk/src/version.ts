// The package's version, sent in every request's User-Agent. A test keeps it equal to package.json's
// (read at build time rather than imported: a JSON import needs import attributes some runtimes lack).
export const SDK_VERSION = '0.1.0';

/** `keywarden-sdk/<version> node/<version>` (or the runtime's name where it is not Node.js). */
export function userAgent(): string {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return `keywarden-sdk/${SDK_VERSION} ${node ? `node/${node}` : 'runtime/unknown'}`;
}
