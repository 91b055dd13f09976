// What a REST route answers: status, headers and a body, written by node:http or wrapped in a
// fetch Response by the router.

export interface RestReply {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string | ReadableStream<Uint8Array>;
}

/** A reply whose body is text: what node:http writes without a fetch Response. */
export type TextReply = RestReply & { body: string };

export const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
