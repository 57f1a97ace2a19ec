import { describe, expect, it } from 'vitest';
import { customDndExtension, deviceExtension, hintHasPhone, parseChannelName } from '../../../src-main/live/channel-name.js';

describe('parseChannelName', () => {
  it.each([
    // Names as they appear in the recorded streams (NOTES §5) and in Asterisk's channel drivers.
    ['PJSIP/101-00000003', 'PJSIP', '101', '101'],
    ['SIP/101-0000ab12', 'SIP', '101', '101'],
    ['IAX2/101-123', 'IAX2', '101', '101'],
    ['PJSIP/provider-trunk-0000000a', 'PJSIP', 'provider-trunk', null],
    ['IAX2/192.168.1.10:4569-1234', 'IAX2', '192.168.1.10:4569', null],
    // DAHDI/1-1 is DAHDI channel (port) 1, call 1: a port, neither an extension nor a span.
    ['DAHDI/1-1', 'DAHDI', '1', null],
    ['DAHDI/i1/5551234-1', 'DAHDI', 'i1/5551234', null],
    ['Snoop/1795447613.5-00000000', 'Snoop', '1795447613.5', null],
  ])('%s → tech %s, resource %s, extension %s', (name, tech, resource, extension) => {
    expect(parseChannelName(name)).toEqual({ tech, resource, extension, local: null });
  });

  it('reads the extension a Local half dials and pairs both halves', () => {
    const one = parseChannelName('Local/101@from-internal-00000001;1');
    const two = parseChannelName('Local/101@from-internal-00000001;2');
    expect(one).toEqual({
      tech: 'Local',
      resource: '101@from-internal',
      extension: '101',
      local: { exten: '101', context: 'from-internal', pair: 'Local/101@from-internal-00000001', half: 1 },
    });
    expect(two.local?.half).toBe(2);
    expect(two.local?.pair).toBe(one.local?.pair);
  });

  it('names no extension for a Local channel running a named dialplan entry', () => {
    expect(parseChannelName('Local/talker@apps-00000000;1')).toMatchObject({ extension: null, local: { exten: 'talker', context: 'apps' } });
    expect(parseChannelName('Local/101@rg-00000001;2')).toMatchObject({ extension: '101', local: { context: 'rg', half: 2 } });
  });

  it('drops dial options from a Local context', () => {
    expect(parseChannelName('Local/101@from-internal/n-0000002a;1').local?.context).toBe('from-internal');
  });

  it('survives names without a tech, without a sequence, or broken', () => {
    expect(parseChannelName('')).toEqual({ tech: '', resource: '', extension: null, local: null });
    expect(parseChannelName('PJSIP/101')).toMatchObject({ tech: 'PJSIP', resource: '101', extension: '101' });
    expect(parseChannelName('Local/oops')).toEqual({ tech: 'Local', resource: 'oops', extension: null, local: null });
    expect(parseChannelName('x'.repeat(10_000)).tech).toBe('');
  });
});

describe('devices', () => {
  it('maps phone devices to extensions and nothing else', () => {
    expect(deviceExtension('PJSIP/101')).toBe('101');
    expect(deviceExtension('SIP/102')).toBe('102');
    expect(deviceExtension('Local/talker@apps')).toBeNull();
    expect(deviceExtension('Queue:support_pause_PJSIP/101')).toBeNull();
    expect(deviceExtension('Custom:DND101')).toBeNull();
  });

  it('recognises FreePBX DND custom devices', () => {
    expect(customDndExtension('Custom:DND101')).toBe('101');
    expect(customDndExtension('Custom:DNDx')).toBeNull();
    expect(customDndExtension('PJSIP/101')).toBeNull();
  });

  it('tells hints that watch a phone from park slots and feature codes', () => {
    expect(hintHasPhone('PJSIP/101')).toBe(true);
    expect(hintHasPhone('PJSIP/101&Custom:DND101,CustomPresence:101')).toBe(true);
    expect(hintHasPhone('park:71@parkedcalls')).toBe(false);
    expect(hintHasPhone('Custom:DND101')).toBe(false);
  });
});
