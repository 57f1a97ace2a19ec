import { randomBytes } from 'node:crypto';
import { startElastixSimulator } from '../sim/elastix/index.js';
import { startIssabelSimulator } from '../sim/issabel/index.js';
import { startSarkSimulator } from '../sim/sark/index.js';
import type { DemoVendor } from '../../src-shared/vendors.js';

/*
 * The web APIs of the demo sites: each vendor's simulator on 127.0.0.1 with a fresh secret at
 * every start, seeded with the same office as the demo's AMI traffic (same seed, same people).
 */

export interface DemoApi {
  baseUrl: string;
  username: string;
  secret: string;
  close(): Promise<void>;
}

export interface DemoOffice {
  seed: number;
  extensions: number;
  firstExtension: number;
}

type ApiStarter = (office: DemoOffice) => Promise<DemoApi>;

/** Elastix's key is a 50-character string hard-coded in api.php. */
function elastixKey(): string {
  return randomBytes(38).toString('base64url').slice(0, 50);
}

export const DEMO_APIS: Record<Exclude<DemoVendor, 'asterisk'>, ApiStarter> = {
  async elastix(office) {
    const key = elastixKey();
    const sim = await startElastixSimulator({ seed: office.seed, key, extensions: office.extensions, firstExtension: office.firstExtension, cdrs: 5000, cdrDays: 30 });
    return { baseUrl: `${sim.url}/api/api.php`, username: '', secret: key, close: () => sim.close() };
  },
  async issabel(office) {
    const password = randomBytes(12).toString('base64url');
    const sim = await startIssabelSimulator({ seed: office.seed, adminPassword: password, extensions: office.extensions, firstExtension: office.firstExtension });
    return { baseUrl: sim.apiUrl, username: 'admin', secret: password, close: () => sim.close() };
  },
  async sark(office) {
    // SARK 6 (L7) trusts its network and takes no credentials; its AMI reads stay quick for a demo.
    const sim = await startSarkSimulator({ seed: office.seed, generation: 'L7', extensions: office.extensions, firstExtension: office.firstExtension, cdrs: 5000, astamisDelayMs: 300 });
    return { baseUrl: `${sim.url}/api`, username: '', secret: '', close: () => sim.close() };
  },
};
