import AsteriskManager from 'asterisk-manager';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type { AmiEvent } from '../live/ami-event.js';

/**
 * Parses a recorded AMI byte stream with the same parser the live link uses (asterisk-manager),
 * by serving the bytes on a loopback socket: the package only parses what arrives on its own
 * socket. No login is sent; every message is handed over in order, events and responses alike.
 */
export async function parseRecordedStream(bytes: Buffer, onMessage: (message: AmiEvent) => void): Promise<number> {
  const server = createServer((socket) => socket.end(bytes));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const manager = AsteriskManager(undefined, '127.0.0.1');
  let count = 0;
  // 'rawevent' is every parsed message, before the package routes responses and events apart.
  manager.on('rawevent', (message) => {
    count += 1;
    onMessage(message);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      manager.on('error', reject);
      manager.on('close', () => resolve());
      manager.connect(port, '127.0.0.1');
    });
    // The package defers its emits by a tick; let the last ones through.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    manager.disconnect();
    server.close();
  }
  return count;
}
