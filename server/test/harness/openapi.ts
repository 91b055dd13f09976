// Every REST answer the tests receive through TestApp.fetch is checked here against the OpenAPI
// document the server serves (src/http/openapi.ts): the status must be listed for the path and
// method, the media type among that status's, the body valid against its schema (each line for
// NDJSON), and the headers it marks required present. A path the document does not name (GraphQL,
// an unknown path) is not checked; a method it does not name must be answered 405 with Allow.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument, type ApiResponse, type OpenApiDocument } from '../../src/http/openapi.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const DOCUMENT_ID = 'https://keywarden.test/openapi.json';

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

type Operations = Record<string, Record<string, { responses: Record<string, ApiResponse> }>>;

/** Checks answers against one document; validators compiled once per schema. */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly paths: Operations;

  constructor(document: OpenApiDocument = openApiDocument()) {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID });
    this.paths = document.paths as Operations;
  }

  /** Whether the document names this path (without its query). */
  documents(path: string): boolean {
    return Object.hasOwn(this.paths, path);
  }

  /** Throws a ContractViolation naming what the answer does not keep; reads a clone of the body. */
  async check(method: string, path: string, response: Response): Promise<void> {
    const where = `${method.toUpperCase()} ${path} → ${response.status}`;
    const item = this.paths[path];
    if (item === undefined) return;
    const operation = item[method.toLowerCase()];
    if (operation === undefined) {
      if (response.status !== 405 || !response.headers.get('allow')) throw new ContractViolation(`${where}: the document has no ${method} for this path; expected 405 with Allow`);
      return;
    }
    const documented = operation.responses[String(response.status)];
    if (documented === undefined) {
      throw new ContractViolation(`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
    }
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required && response.headers.get(name) === null) throw new ContractViolation(`${where}: header ${name} missing`);
    }
    const streamType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (streamType === 'text/event-stream') {
      // An endless stream: its media type is checked, its body is the test's to read.
      if (!Object.hasOwn(documented.content ?? {}, streamType)) throw new ContractViolation(`${where}: content-type text/event-stream not documented`);
      return;
    }
    const text = await response.clone().text();
    if (documented.content === undefined) {
      if (text !== '') throw new ContractViolation(`${where}: a body where the document says none: ${text.slice(0, 200)}`);
      return;
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!Object.hasOwn(documented.content, mediaType)) {
      throw new ContractViolation(`${where}: content-type ${JSON.stringify(mediaType)} not documented (documented: ${Object.keys(documented.content).join(', ')})`);
    }
    const validate = this.validator(path, method.toLowerCase(), String(response.status), mediaType);
    const values = mediaType === 'application/json' ? [parseJson(text, where)] : mediaType === 'application/x-ndjson' ? text.split('\n').filter(Boolean).map((line) => parseJson(line, where)) : [text];
    for (const value of values) {
      if (!validate(value)) throw new ContractViolation(`${where}: body does not match the document: ${this.ajv.errorsText(validate.errors)}; body: ${text.slice(0, 300)}`);
    }
  }

  private validator(path: string, method: string, status: string, mediaType: string): ValidateFunction {
    const pointer = ['paths', path, method, 'responses', status, 'content', mediaType, 'schema'].map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const ref = `${DOCUMENT_ID}#/${pointer}`;
    let validate = this.validators.get(ref);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ContractViolation(`${where}: the body is not JSON: ${text.slice(0, 200)}`);
  }
}

let shared: ContractChecker | undefined;

/** The checker of the server's own document, made once per test file. */
export function contract(): ContractChecker {
  shared ??= new ContractChecker();
  return shared;
}

/** Checks an answer that came over a socket (global fetch) rather than through TestApp.fetch. */
export async function expectDocumented(method: string, url: string, response: Response): Promise<Response> {
  await contract().check(method, new URL(url, 'http://keywarden.test').pathname, response);
  return response;
}

/** The global fetch, for requests over a socket (`listen`), with the answer checked as TestApp.fetch checks it. */
export async function documentedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return expectDocumented(init.method ?? 'GET', url, await fetch(url, init));
}
