import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Core } from '../core/create-core.js';
import { serveStatic } from './static-files.js';
import { WsTransport } from './ws-transport.js';

export interface HostServerOptions {
  core: Core;
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
}

export interface HostServer {
  /** The address to open, with the per-run token in the fragment (never sent to the server by the browser). */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

/**
 * Host mode: the built renderer over HTTP and the contract over a WebSocket, both on 127.0.0.1 only.
 * The token is fresh for every run.
 */
export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const token = randomBytes(24).toString('hex');
  let origin = '';
  const transport = new WsTransport({
    token,
    allowedOrigin: () => origin,
    dispatch: options.core.dispatch,
    bus: options.core.bus,
    log: options.core.log,
  });
  const server: Server = createServer((req, res) => serveStatic(options.rendererDir, req, res));
  server.on('upgrade', (req, socket, head) => transport.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  options.core.log.info('host mode listening', { origin });

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        transport.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
