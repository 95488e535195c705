import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../logger.js';
import { errorHandler } from '../errors/index.js';
import { bodyLimit, MAX_BODY_BYTES } from './index.js';

function app() {
  const a = new Hono();
  a.onError(errorHandler(createLogger({ level: 'silent' })));
  a.use('*', bodyLimit());
  a.post('/', async (c) => c.json({ bytes: (await c.req.text()).length }));
  return a;
}

describe('bodyLimit', () => {
  it('lets 64 KiB through', async () => {
    const res = await app().request('/', { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: MAX_BODY_BYTES });
  });

  it('answers 413 in the error shape for one byte more, with or without Content-Length', async () => {
    const sized = await app().request('/', { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(sized.status).toBe(413);
    expect(await sized.json()).toEqual({ error: { code: 'payload_too_large', message: 'the request body is larger than 64 KiB' } });

    const bytes = new TextEncoder().encode('y'.repeat(MAX_BODY_BYTES + 1));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
    const chunked = await app().request('/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});
