// What the one-time config page shows, rendered once without a DOM
// (test/render.ts): one QR code, fingerprint and download per gateway host
// on a controller, and the single box's page as it always was.
import { h } from 'preact';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigResult } from '../src/components/config_result';
import { qrPath } from '../src/components/qr_code';
import { setLang } from '../src/i18n';
import { en } from '../src/i18n/en';
import { memberConfigs } from '../src/lib/client_config';
import { generateKeyPair } from '../src/lib/keys';
import { GatewayHosts } from '../src/screens/settings';
import type { NewDeviceAnswer } from '../src/types';
import { renderHtml } from './render';

vi.mock('preact/hooks', async () => (await import('./render')).firstRenderHooks);
// The words below are the English catalog's, whatever the machine's locale.
beforeAll(() => setLang('en'));

const gateways = [
  {
    name: 'gw-a',
    endpoint: '203.0.113.7:51820',
    public_key: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
    fingerprint: 'c5d3 0ee6 0c2d 2a8c 9a4f',
  },
  {
    name: 'gw-b',
    endpoint: '198.51.100.4:443',
    public_key: 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=',
    fingerprint: '4eb3 2f4a 83f8 d899 0a14',
  },
];

function answer(withGateways: typeof gateways): NewDeviceAnswer {
  return {
    id: 7,
    member: 'alice',
    label: 'phone',
    public_key: 'unused',
    ipv4: '10.77.0.2',
    ipv6: 'fd77:77::2',
    allowed_ips: ['0.0.0.0/0', '::/0'],
    keepalive: 25,
    mtu: 0,
    enabled: true,
    expires_at: null,
    created_at: 0,
    client: {
      gateway_public_key: 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=',
      gateway_fingerprint: '6668 7aad f862 bd77 6c8f',
      endpoint: 'controller.example.org:51820',
      preshared_key: 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=',
      dns: ['10.77.0.1', 'fd77:77::1'],
      allowed_ips: ['0.0.0.0/0', '::/0'],
      keepalive: 25,
      mtu: 0,
      gateways: withGateways,
    },
  };
}

const render = (a: NewDeviceAnswer, privateKey: string) => renderHtml(h(ConfigResult, { answer: a, privateKey, onDone: () => {} }));
const all = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]);

describe('the one-time config page', () => {
  const { privateKey } = generateKeyPair();

  it('shows each gateway its own section: heading, QR code, fingerprint and download', () => {
    const a = answer(gateways);
    const html = render(a, privateKey);
    const configs = memberConfigs(a, privateKey);

    expect(all(html, /<h2 id="([^"]+)"/g)).toEqual(['config-gateway-gw-a', 'config-gateway-gw-b']);
    expect(all(html, /<h2[^>]*>([^<]*)<\/h2>/g)).toEqual([
      'Gateway gw-a (203.0.113.7:51820)',
      'Gateway gw-b (198.51.100.4:443)',
    ]);
    expect(all(html, /<section aria-labelledby="([^"]+)" class="gateway-config"/g)).toEqual([
      'config-gateway-gw-a',
      'config-gateway-gw-b',
    ]);

    // Two codes, each drawing its own gateway's config.
    expect(all(html, /data-testid="(qr)"/g)).toHaveLength(2);
    expect(all(html, /<path d="([^"]+)"/g)).toEqual(configs.map((c) => qrPath(c.text).d));
    expect(all(html, /role="img" aria-label="([^"]+)"/g)).toEqual([
      'WireGuard configuration for alice · phone through gateway gw-a',
      'WireGuard configuration for alice · phone through gateway gw-b',
    ]);

    // Unique test ids, each with its own gateway's fingerprint; none of the
    // controller's own key, which no member dials.
    expect(all(html, /<code data-testid="(fingerprint[^"]*)">/g)).toEqual(['fingerprint-gw-a', 'fingerprint-gw-b']);
    expect(all(html, /data-testid="fingerprint-[^"]+">([^<]+)</g)).toEqual(gateways.map((g) => g.fingerprint));
    expect(html).not.toContain('6668 7aad');
    expect(html).not.toContain('controller.example.org');

    expect(all(html, /<button type="button">([^<]+)<\/button>/g)).toEqual([
      'Download alice-phon-gw-a.conf',
      'Download alice-phon-gw-b.conf',
    ]);
    expect(html).toContain(en.config.perGateway);
    expect(html).toContain(en.config.shownOnce);
  });

  it('stays as it was on a single box: one code, the fingerprint, one download', () => {
    const a = answer([]);
    const html = render(a, privateKey);
    expect(all(html, /data-testid="(qr)"/g)).toHaveLength(1);
    expect(all(html, /<path d="([^"]+)"/g)).toEqual([qrPath(memberConfigs(a, privateKey)[0].text).d]);
    expect(all(html, /<code data-testid="(fingerprint[^"]*)">([^<]+)</g)).toEqual(['fingerprint']);
    expect(html).toContain('<code data-testid="fingerprint">6668 7aad f862 bd77 6c8f</code>');
    expect(html).not.toContain('<h2');
    expect(html).not.toContain(en.config.perGateway);
    expect(all(html, /<button type="button">([^<]+)<\/button>/g)).toEqual(['Download alice-phone.conf']);
  });
});

describe('the settings on a controller', () => {
  it('list each gateway host with its endpoint and fingerprint', () => {
    const html = renderHtml(h(GatewayHosts, { gateways }));
    expect(all(html, /<dt>([^<]+)<\/dt>/g)).toEqual(['gw-a', 'gw-b']);
    expect(all(html, /<dd><code>([^<]+)<\/code>/g)).toEqual(['203.0.113.7:51820', '198.51.100.4:443']);
    expect(all(html, /data-testid="settings-fingerprint-[^"]+">([^<]+)</g)).toEqual(gateways.map((g) => g.fingerprint));
  });
});
