import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { PresentedCertificate } from '../../src-shared/domain/site.js';
import { AppError } from '../../src-shared/errors.js';
import { socketError } from './socket-errors.js';

export interface VerifiedConnectOptions {
  host: string;
  port: number;
  /** SHA-256 fingerprint (`AB:CD:…`) of the one certificate this site may present besides CA-valid ones. */
  pinnedFingerprint256: string | null;
  timeoutMs: number;
}

export type TlsTrustKind = 'verified' | 'pinned';

/**
 * Opens a TLS connection and decides trust before a single byte of HTTP is written: a chain and host
 * name the system CAs accept, or exactly the pinned certificate of this site. Anything else fails
 * with TLS_UNTRUSTED carrying the certificate so a person can compare its fingerprint and pin it.
 * Verification is never turned off for anything but this one socket's own check.
 */
export function connectVerified(options: VerifiedConnectOptions): Promise<{ socket: TLSSocket; trust: TlsTrustKind }> {
  const where = `${options.host}:${options.port}`;
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: options.host,
      port: options.port,
      servername: isIpLiteral(options.host) ? undefined : options.host,
      // Checked below, per socket: CA-valid passes, otherwise only the pinned fingerprint does.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new AppError('TIMEOUT', `${where}: TLS handshake did not finish in ${options.timeoutMs} ms`, { where }));
    }, options.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      if (socket.authorized) {
        resolve({ socket, trust: 'verified' });
        return;
      }
      const cert = socket.getPeerCertificate();
      if (options.pinnedFingerprint256 !== null && cert.fingerprint256 === options.pinnedFingerprint256) {
        resolve({ socket, trust: 'pinned' });
        return;
      }
      socket.destroy();
      const presented = describeCertificate(cert, String(socket.authorizationError ?? 'UNKNOWN'));
      const pinMismatch = options.pinnedFingerprint256 !== null;
      reject(
        new AppError(
          'TLS_UNTRUSTED',
          pinMismatch
            ? `${where} presented a certificate that does not match the pinned one`
            : `${where} presented a certificate this computer does not trust (${presented.reason})`,
          { where, certificate: presented, pinMismatch },
        ),
      );
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(socketError(err, where));
    });
  });
}

export function describeCertificate(cert: PeerCertificate, reason: string): PresentedCertificate {
  return {
    fingerprint256: cert.fingerprint256 ?? '',
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    validFrom: cert.valid_from ?? '',
    validTo: cert.valid_to ?? '',
    reason,
  };
}

function formatName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
