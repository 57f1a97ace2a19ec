import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface SelfSignedHttps {
  port: number;
  url: string;
  /** SHA-256 of the certificate, computed here from the PEM, independently of the code under test. */
  fingerprint256: string;
  /** HTTP requests that got past TLS. */
  readonly requests: number;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 with a fresh self-signed certificate, like a PBX out of the box. */
export async function startSelfSignedHttps(status = 401): Promise<SelfSignedHttps> {
  const pems = await generate([{ name: 'commonName', value: 'pbx.test' }], { keySize: 2048, algorithm: 'sha256' });
  let requests = 0;
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
    requests += 1;
    res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `https://127.0.0.1:${port}/pbxapi/`,
    fingerprint256: new X509Certificate(pems.cert).fingerprint256,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
