import type { Page } from 'playwright-core';
import { startAmiSimulator, type AmiSimulator, type AmiSimulatorOptions } from '../../../src-main/sim/ami/index.js';
import { SitesPage } from '../pages/sites-page.js';

export const DEMO_USER = 'switchboard';
export const DEMO_SECRET = 'demo-secret';

/** The demo PBX as the recorded peer: phones 100–105 (Operator, Alice, Bob, Carol, Dave, Eve), plus a trunk. */
export function startDemoPbx(options: Partial<AmiSimulatorOptions> = {}): Promise<AmiSimulator> {
  return startAmiSimulator({
    users: { [DEMO_USER]: DEMO_SECRET },
    loginFailureDelayMs: 50,
    ...options,
    pbx: { trunk: true, ...options.pbx },
  });
}

/** The recorded peer's dialplan (and so the demo PBX's) puts phones in `internal`, not FreePBX's from-internal. */
export const DEMO_CONTEXT = 'internal';

/** Adds an AMI-only site pointing at the simulator through the Sites screen, as a person would. */
export async function addDemoSite(page: Page, pbx: AmiSimulator, name = 'Demo PBX'): Promise<void> {
  const sites = new SitesPage(page);
  await sites.open();
  await sites.startNewSite();
  await sites.fill({
    name,
    vendor: 'Asterisk (AMI only)',
    ami: { host: '127.0.0.1', port: String(pbx.port), username: DEMO_USER, secret: DEMO_SECRET, context: DEMO_CONTEXT },
  });
  await sites.save();
  await sites.savedNotice().waitFor();
}

/** The AMI actions of one name the app sent, as header maps. */
export function sentActions(pbx: AmiSimulator, action: string): Array<Record<string, string>> {
  return pbx.received
    .filter((received) => received.headers.some(([key, value]) => key.toLowerCase() === 'action' && value.toLowerCase() === action.toLowerCase()))
    .map((received) => Object.fromEntries(received.headers.map(([key, value]) => [key.toLowerCase(), value])));
}
