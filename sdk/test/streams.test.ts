// The one line reader under both stream formats, fed chunks cut at awkward places.
import { describe, expect, test } from 'vitest';
import { readJsonLines, readLines, readServerSentEvents } from '../src/transport/streams.ts';

function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('readLines', () => {
  test('splits at \\n and \\r\\n, also across chunks, and keeps a last line without newline', async () => {
    expect(await all(readLines(body('a\r', '\nb\n\nc', 'd\r\n', 'last')))).toEqual(['a', 'b', '', 'cd', 'last']);
  });

  test('decodes a character split across chunks', async () => {
    const bytes = new TextEncoder().encode('ключ\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 3));
        controller.enqueue(bytes.slice(3));
        controller.close();
      },
    });
    expect(await all(readLines(stream))).toEqual(['ключ']);
  });

  test('reports activity for every chunk', async () => {
    let calls = 0;
    await all(readLines(body('a', 'b\n', 'c'), () => calls++));
    expect(calls).toBe(3);
  });
});

test('readJsonLines: one value per non-blank line', async () => {
  expect(await all(readJsonLines(body('{"a":1}\r\n\n  \n{"b"', ':2}\n[3]')))).toEqual([{ a: 1 }, { b: 2 }, [3]]);
});

test('readServerSentEvents: messages end at a blank line; comments are skipped; a last unterminated one counts', async () => {
  const events = await all(readServerSentEvents(body(': ping\n\n', 'event: next\r\ndata: {"x"', ':1}\nid: 7\r\n\r\n', 'data: a\ndata: b\n\n\n', 'event: complete\ndata:\n')));
  expect(events).toEqual([
    { event: 'next', data: '{"x":1}', id: '7' },
    { event: 'message', data: 'a\nb' },
    { event: 'complete', data: '' },
  ]);
});
