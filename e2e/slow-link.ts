import net from 'node:net';
import { baseURL } from '../playwright.config';

/**
 * A TCP hop between the browser and the console that can turn into a slow line, so a download
 * is still leaving the server when the browser gives up (on loopback a whole export would
 * otherwise sit in socket buffers before the user could cancel it). Reading from the server is
 * paused while the line is busy, so the server feels the back-pressure of a real slow network.
 */
export async function slowLink(bytesPerSecond: number) {
  const target = new URL(baseURL);
  let slow = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!slow) return void client.write(chunk);
      upstream.pause();
      const piece = Math.max(1, Math.floor(bytesPerSecond / 20));
      const send = (at: number) => {
        if (client.destroyed) return;
        client.write(chunk.subarray(at, at + piece));
        if (at + piece < chunk.length) setTimeout(() => send(at + piece), 50);
        else setTimeout(() => upstream.resume(), 50);
      };
      send(0);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    // Connections from the fast phase have grown their buffers: the slow line starts afresh.
    slowDown: () => {
      slow = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
