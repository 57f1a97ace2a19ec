/**
 * What a channel (or device) name says about the phone behind it. Asterisk names a channel
 * `<tech>/<resource>-<sequence>`: `PJSIP/101-00000003`, `SIP/101-0000ab12`, `IAX2/101-123`,
 * `DAHDI/1-1`, and Local channels `Local/<exten>@<context>-<sequence>;<1|2>`. Devices in
 * DeviceStateChange and hints are the same without the sequence: `PJSIP/101`.
 */

export interface LocalName {
  exten: string;
  context: string;
  /** The name without `;1`/`;2`: both halves of one Local pair share it. */
  pair: string;
  half: 1 | 2;
}

export interface ChannelName {
  /** As written by Asterisk: `PJSIP`, `SIP`, `IAX2`, `DAHDI`, `Local`, `Snoop`… ('' when there is no `/`). */
  tech: string;
  /** The part between the tech and the sequence: an endpoint/peer name, a DAHDI port, `exten@context`. */
  resource: string;
  /** The extension the leg belongs to, or null for trunks, apps, DAHDI ports and named Local targets. */
  extension: string | null;
  local: LocalName | null;
}

/**
 * Technologies whose resource is a phone's endpoint or peer name, which PBXs set to the extension.
 * DAHDI is not among them: `DAHDI/1-1` is port (channel) 1, a line card's FXO trunk or FXS phone
 * port, and neither a span nor an extension; only chan_dahdi.conf knows which extension an FXS
 * port serves, so its extension stays null and the port stays visible in `resource`.
 */
const PHONE_TECHS = new Set(['PJSIP', 'SIP', 'IAX2']);

/**
 * Extensions are digits. Named resources (`provider`, `talker`, `s`) are trunks or dialplan apps:
 * showing them as extensions would put trunks on the presence grid.
 */
const EXTENSION = /^[0-9]{1,15}$/;

export function isExtensionNumber(value: string): boolean {
  return EXTENSION.test(value);
}

const LOCAL = /^(.*)@(.*)-([0-9a-f]+);([12])$/i;
const SEQUENCE = /^(.+)-([0-9a-f]+)$/i;

export function parseChannelName(name: string): ChannelName {
  const slash = name.indexOf('/');
  if (slash < 0) return { tech: '', resource: name, extension: null, local: null };
  const tech = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  if (tech.toLowerCase() === 'local') {
    const m = LOCAL.exec(rest);
    if (m) {
      // Dial options (`Local/101@ctx/n`) are not part of the context.
      const context = m[2].split('/')[0];
      const exten = m[1];
      return {
        tech,
        resource: `${exten}@${context}`,
        extension: isExtensionNumber(exten) ? exten : null,
        local: { exten, context, pair: name.slice(0, name.length - 2), half: m[4] === '1' ? 1 : 2 },
      };
    }
    return { tech, resource: rest, extension: null, local: null };
  }
  const m = SEQUENCE.exec(rest);
  const resource = m ? m[1] : rest;
  const extension = PHONE_TECHS.has(tech.toUpperCase()) && isExtensionNumber(resource) ? resource : null;
  return { tech, resource, extension, local: null };
}

/**
 * The extension a device belongs to: `PJSIP/101` → `101`. Local, Queue:, Custom: and other
 * pseudo-devices belong to no phone.
 */
export function deviceExtension(device: string): string | null {
  const slash = device.indexOf('/');
  if (slash < 0) return null;
  const tech = device.slice(0, slash).toUpperCase();
  const resource = device.slice(slash + 1);
  return PHONE_TECHS.has(tech) && isExtensionNumber(resource) ? resource : null;
}

/** FreePBX keeps DND in a custom device state `Custom:DND<ext>` (BUSY when on) that hints include. */
export function customDndExtension(device: string): string | null {
  if (!device.startsWith('Custom:DND')) return null;
  const ext = device.slice('Custom:DND'.length);
  return isExtensionNumber(ext) ? ext : null;
}

/** Whether a hint (`PJSIP/101&Custom:DND101`) watches at least one phone. */
export function hintHasPhone(hint: string): boolean {
  for (const device of hint.split(/[&,]/)) if (deviceExtension(device.trim()) !== null) return true;
  return false;
}
