import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../support/tcp-proxy.js';

/** An echo server on loopback: what the proxy stands in front of. */
let echo: net.Server;
let proxy: TcpProxy;

beforeAll(async () => {
  echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  proxy = await TcpProxy.start({ host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port });
});
afterAll(async () => {
  await proxy.stop();
  await new Promise((r) => echo.close(r));
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(proxy.listenPort, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** The next chunk the socket receives, or null after `ms`. */
function nextData(s: net.Socket, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      s.off('data', on);
      resolve(null);
    }, ms);
    const on = (b: Buffer) => {
      clearTimeout(t);
      resolve(b.toString());
    };
    s.once('data', on);
  });
}

describe('TcpProxy', () => {
  it('forwards, holds every byte until restored, and refuses everything while cut', async () => {
    const s = await connect();
    s.write('one');
    expect(await nextData(s, 2000)).toBe('one');

    proxy.hold();
    s.write('two');
    expect(await nextData(s, 300)).toBeNull();
    const late = nextData(s, 2000);
    await proxy.restore();
    expect(await late).toBe('two');

    const closed = new Promise((r) => s.once('close', r));
    await proxy.cut();
    await closed;
    await expect(connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await proxy.restore();
    const again = await connect();
    again.write('three');
    expect(await nextData(again, 2000)).toBe('three');
    again.destroy();
  });
});
