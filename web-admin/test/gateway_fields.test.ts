// What the gateway choice shows, rendered once without a DOM (test/render.ts):
// on the add form only on a controller, with a box per gateway under "Only
// these", the warning where "no gateway" is picked, and the Gateways dialog,
// which shows no choice before picketd has said the real one.
import { h } from 'preact';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GatewayFields } from '../src/components/gateway_fields';
import { setLang } from '../src/i18n';
import { en } from '../src/i18n/en';
import { choiceOf, type GatewayChoice } from '../src/lib/assigned_gateways';
import { AddDevice } from '../src/screens/add_device';
import { DeviceDialog } from '../src/screens/device_dialogs';
import { AssignmentView, GatewaysDialog, saveWords } from '../src/screens/gateways_dialog';
import type { Device } from '../src/types';
import { renderHtml } from './render';

vi.mock('preact/hooks', async () => (await import('./render')).firstRenderHooks);
// The gateway hosts GET /settings would list: none (a single box) unless a test says.
const hosts = vi.hoisted(() => ({ list: [] as { name: string; endpoint: string; public_key: string; fingerprint: string }[] }));
vi.mock('../src/lib/gateway_hosts', () => ({ useGatewayHosts: () => hosts.list }));
beforeAll(() => {
  setLang('en');
  // The add form reads a member from the address; Node has no location.
  vi.stubGlobal('location', { hash: '#/add' });
});

const gateways = [
  { name: 'gw-a', endpoint: '203.0.113.7:51820', public_key: 'A', fingerprint: 'a' },
  { name: 'gw-b', endpoint: '198.51.100.4:443', public_key: 'B', fingerprint: 'b' },
];

const device = {
  id: 7,
  member: 'alice',
  label: 'phone',
  public_key: 'pk',
  ipv4: '10.77.0.2',
  ipv6: 'fd77:77::2',
  allowed_ips: ['0.0.0.0/0', '::/0'],
  keepalive: 25,
  mtu: 0,
  enabled: true,
  expires_at: null,
  created_at: 0,
} as Device;

const fields = (state: GatewayChoice, allowNone = false) =>
  renderHtml(h(GatewayFields, { idPrefix: 'g', gateways, state, onChange: () => {}, allowNone }));
const all = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]);
const radios = (html: string) => all(html, /<input type="radio" name="g-mode" value="([^"]+)"/g);
const checked = (html: string) => all(html, /<input type="checkbox" name="g-gateway" value="([^"]+)" checked/g);

describe('the gateway choice', () => {
  it('offers every gateway and only some, every one picked, no boxes yet', () => {
    const html = fields({ mode: 'every', names: [] });
    expect(radios(html)).toEqual(['every', 'only']);
    expect(html).toContain('value="every" checked');
    expect(html).toContain(en.gateways.every);
    expect(html).not.toContain('type="checkbox"');
    expect(html).not.toContain(en.gateways.noneWarning);
  });

  it('under "only these", one labelled box per gateway with its endpoint, in a described group', () => {
    const html = fields({ mode: 'only', names: ['gw-b'] });
    expect(html).toContain('value="only" checked');
    expect(all(html, /<label class="choice"><input type="checkbox"[^>]*><\/input> ([^<]+)<\/label>/g)).toEqual([
      'gw-a at 203.0.113.7:51820',
      'gw-b at 198.51.100.4:443',
    ]);
    expect(checked(html)).toEqual(['gw-b']);
    expect(html).toContain(`<fieldset class="gateway-picks" aria-describedby="g-picks-hint"><legend>${en.gateways.pick}</legend>`);
    expect(html).toContain(`<small id="g-picks-hint" class="hint block">${en.gateways.pickHint}</small>`);
  });

  it('keeps an assigned gateway that is no longer enrolled visible, ticked', () => {
    const html = fields({ mode: 'only', names: ['gw-old'] });
    expect(checked(html)).toEqual(['gw-old']);
    expect(html).toContain('gw-old (no longer enrolled)');
  });

  it('offers "no gateway" only where asked, and warns when it is picked', () => {
    expect(radios(fields({ mode: 'every', names: [] }, true))).toEqual(['every', 'only', 'none']);
    const html = fields({ mode: 'none', names: [] }, true);
    expect(html).toContain('value="none" checked');
    expect(html).toContain(`role="status" data-testid="gateways-none-warning">${en.gateways.noneWarning}</p>`);
  });
});

describe('the add form', () => {
  it('has no gateway choice on a single box', () => {
    hosts.list = [];
    const html = renderHtml(h(AddDevice, { onCancel: () => {} }));
    expect(html).toContain(en.add.submit);
    expect(html).not.toContain(`<legend>${en.gateways.legend}</legend>`);
    expect(html).not.toContain('add-gateways-mode');
  });

  it('on a controller, a "Gateways" fieldset with every gateway picked', () => {
    hosts.list = gateways;
    const html = renderHtml(h(AddDevice, { onCancel: () => {} }));
    expect(html).toContain(`<fieldset><legend>${en.gateways.legend}</legend>`);
    expect(all(html, /<input type="radio" name="add-gateways-mode" value="([^"]+)"/g)).toEqual(['every', 'only']);
    expect(html).toContain('name="add-gateways-mode" value="every" checked');
  });
});

describe('the Gateways dialog', () => {
  it('shows no choice and no Save before picketd says the current one', () => {
    const html = renderHtml(h(GatewaysDialog, { device, gateways, onClose: () => {} }));
    expect(html).toContain(`<h2 id="dialog-title" tabIndex="-1">${en.gateways.title('alice', 'phone')}</h2>`);
    expect(html).toContain(`aria-label="${en.gateways.title('alice', 'phone')}"`);
    expect(html).toContain(en.common.loading);
    expect(html).not.toContain('type="radio"');
    expect(html).not.toContain('save-gateways');
    expect(html).toContain(`<button type="button">${en.common.close}</button>`);
  });

  const view = (assigned: string[] | null | undefined, extra: { off?: string; failed?: boolean } = {}) =>
    renderHtml(
      h(AssignmentView, {
        assigned,
        off: extra.off ?? '',
        failed: extra.failed ?? false,
        gateways,
        choice: assigned === undefined ? { mode: 'every', names: [] } : choiceOf(assigned),
        onChoice: () => {},
        busy: false,
      }),
    );

  it('shows the current assignment in words, with the choice set to it', () => {
    let html = view(['gw-a']);
    expect(html).toContain('<p data-testid="gateways-now">Now served by only gw-a.</p>');
    expect(html).toContain(`<fieldset><legend>${en.gateways.legendDevice}</legend>`);
    expect(html).toContain('name="placement-mode" value="only" checked');
    expect(all(html, /<input type="checkbox" name="placement-gateway" value="([^"]+)" checked/g)).toEqual(['gw-a']);
    expect(html).toContain(en.gateways.configHint(en.dialogs.reissue));

    html = view(null);
    expect(html).toContain('Now served by every gateway, also ones enrolled later.');
    expect(all(html, /name="placement-mode" value="([^"]+)"/g)).toEqual(['every', 'only', 'none']);
    expect(html).toContain('name="placement-mode" value="every" checked');

    html = view([]);
    expect(html).toContain('Now served by no gateway: it connects nowhere.');
    expect(html).toContain('name="placement-mode" value="none" checked');
    expect(html).toContain(en.gateways.noneWarning);
  });

  it('says a single box has nothing to choose, and shows no choice after a failed read', () => {
    expect(view(undefined, { off: en.gateways.singleBox })).toBe(`<p class="muted">${en.gateways.singleBox}</p>`);
    expect(view(undefined, { failed: true })).toBe('');
    expect(view(undefined)).toBe(`<p class="muted">${en.common.loading}</p>`);
  });

  it('names taking the device off every gateway on the button', () => {
    expect(saveWords({ mode: 'none', names: [] }, false)).toBe('Take it off every gateway');
    expect(saveWords({ mode: 'only', names: ['gw-a'] }, false)).toBe(en.gateways.save);
    expect(saveWords({ mode: 'every', names: [] }, false)).toBe(en.gateways.save);
    expect(saveWords({ mode: 'none', names: [] }, true)).toBe(en.gateways.saving);
  });

  it('is reached from the Manage dialog on a controller only', () => {
    const dialog = (onGateways?: () => void) =>
      renderHtml(
        h(DeviceDialog, {
          device,
          onClose: () => {},
          onDone: () => {},
          onRevoke: () => {},
          onReissue: () => {},
          onEnable: () => {},
          onCutOffMember: () => {},
          onGateways,
        }),
      );
    expect(dialog(() => {})).toContain(`<button type="button">${en.gateways.manage}</button>`);
    expect(dialog()).not.toContain(en.gateways.manage);
  });
});
