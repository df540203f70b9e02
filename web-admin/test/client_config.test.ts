import { describe, expect, it } from 'vitest';
import {
  clientRoutes,
  configFileName,
  MAX_SPLIT_ENTRIES,
  memberConfigs,
  QR_MAX_BYTES,
  renderClientConfig,
  type ClientParameters,
} from '../src/lib/client_config';
import { generateKeyPair } from '../src/lib/keys';
import { cppLimits, cppRender } from './helpers';

const GATEWAY = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=';
const PSK = 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=';
const ZERO = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function answer(client: Partial<ClientParameters['client']>, ipv4 = '10.77.0.2', ipv6 = 'fd77:77::2') {
  return {
    ipv4,
    ipv6,
    client: {
      gateway_public_key: GATEWAY,
      gateway_fingerprint: '6668 7aad f862 bd77 6c8f',
      endpoint: 'vpn.example.org:51820',
      preshared_key: PSK,
      dns: ['10.77.0.1', 'fd77:77::1'],
      allowed_ips: ['0.0.0.0/0', '::/0'],
      keepalive: 25,
      mtu: 0,
      ...client,
    },
  };
}

// Each case exercises one optional line of the format.
const cases: Record<string, ReturnType<typeof answer>> = {
  'the default full tunnel': answer({}),
  'split tunnel, MTU, no keepalive': answer({
    allowed_ips: ['10.0.0.0/8', '192.168.5.0/24', 'fd00::/8'],
    mtu: 1280,
    keepalive: 0,
  }),
  'no preshared key, no DNS': answer({ preshared_key: ZERO, dns: [] }),
  // The gateway's resolvers are routed whenever the entries miss them.
  'split tunnel, IPv4 only (the IPv6 resolver gets a /128)': answer({ allowed_ips: ['10.0.0.0/8', '192.168.5.0/24'] }),
  'split tunnel, IPv4 only, neither resolver covered': answer({ allowed_ips: ['192.168.5.0/24'] }),
  'split tunnel, IPv6 only (the IPv4 resolver gets a /32)': answer({ allowed_ips: ['2001:db8::/32', 'fd00::/8'] }),
  'split tunnel, mixed, with repeats': answer({
    allowed_ips: ['192.168.5.0/24', 'fd77:77::/64', '192.168.5.0/24', '2001:db8:1::/48'],
  }),
  'custom resolvers, one covered, one named twice': answer({
    allowed_ips: ['9.9.9.0/24'],
    dns: ['9.9.9.9', '2620:fe::fe', '2620:fe::fe'],
  }),
  'an IPv6 endpoint in brackets, a large host number': answer(
    { endpoint: '[2001:db8::1]:443', dns: ['10.99.0.1'] },
    '10.99.3.254',
    'fd99:1:2::3fe',
  ),
};

describe('client config', () => {
  for (const [name, params] of Object.entries(cases)) {
    it(`matches the C++ renderer byte for byte: ${name}`, () => {
      const { privateKey } = generateKeyPair();
      const ours = renderClientConfig(params, privateKey);
      expect(ours).toBe(cppRender(params, privateKey));
    });
  }

  it('has LF line ends, no byte order mark and the keys the apps accept', () => {
    const text = renderClientConfig(cases['the default full tunnel'], generateKeyPair().privateKey);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text).not.toContain('\r');
    const keys = text
      .split('\n')
      .filter((l) => l.includes(' = '))
      .map((l) => l.split(' = ')[0]);
    const allowed = ['PrivateKey', 'Address', 'DNS', 'MTU', 'PublicKey', 'PresharedKey', 'Endpoint', 'AllowedIPs', 'PersistentKeepalive'];
    for (const key of keys) expect(allowed).toContain(key);
  });

  it('routes the resolvers a split tunnel names, and writes each route once', () => {
    const dns = ['10.77.0.1', 'fd77:77::1'];
    expect(clientRoutes(['0.0.0.0/0', '::/0'], dns)).toEqual(['0.0.0.0/0', '::/0']);
    expect(clientRoutes(['10.0.0.0/8'], dns)).toEqual(['10.0.0.0/8', 'fd77:77::1/128']);
    expect(clientRoutes(['fd00::/8'], dns)).toEqual(['fd00::/8', '10.77.0.1/32']);
    expect(clientRoutes(['10.0.0.0/8', '10.0.0.0/8'], [])).toEqual(['10.0.0.0/8']);
    expect(clientRoutes(['::ffff:0:0/96'], ['fd77:77:0:0:0:0:0:1'])).toEqual(['::ffff:0:0/96', 'fd77:77:0:0:0:0:0:1/128']);
  });

  it('has the same limits as picketd and the CLI', () => {
    expect(cppLimits()).toEqual({ max_split_entries: MAX_SPLIT_ENTRIES, qr_max_bytes: QR_MAX_BYTES });
  });

  it('names the file as the apps allow tunnel names', () => {
    expect(configFileName('alice', 'phone')).toBe('alice-phone.conf');
    expect(configFileName('a very long member name', 'x')).toBe('a_very_long_mem.conf');
  });
});

const KEY_A = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const KEY_B = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const gateways = [
  { name: 'gw-a', endpoint: '203.0.113.7:51820', public_key: KEY_A, fingerprint: 'c5d3 0ee6 0c2d 2a8c 9a4f' },
  { name: 'gw-b', endpoint: '[2001:db8::9]:443', public_key: KEY_B, fingerprint: '4eb3 2f4a 83f8 d899 0a14' },
];
const device = (client: Partial<ClientParameters['client']>) => ({ member: 'alice', label: 'phone', ...answer(client) });

describe('configs to hand out', () => {
  const { privateKey } = generateKeyPair();

  it('is the one config of today on a single box', () => {
    for (const params of [device({ gateways: [] }), device({})]) {
      const configs = memberConfigs(params, privateKey);
      expect(configs).toEqual([
        {
          endpoint: 'vpn.example.org:51820',
          publicKey: GATEWAY,
          fingerprint: '6668 7aad f862 bd77 6c8f',
          text: renderClientConfig(params, privateKey),
          fileName: 'alice-phone.conf',
        },
      ]);
    }
  });

  it('is one config per gateway, differing only in Endpoint and PublicKey', () => {
    const params = device({ gateways });
    const [a, b] = memberConfigs(params, privateKey);
    expect(memberConfigs(params, privateKey)).toHaveLength(2);
    const today = renderClientConfig(params, privateKey);
    const swap = (key: string, endpoint: string) =>
      today
        .replace(`\nPublicKey = ${GATEWAY}\n`, `\nPublicKey = ${key}\n`)
        .replace('\nEndpoint = vpn.example.org:51820\n', `\nEndpoint = ${endpoint}\n`);
    expect(a.text).toBe(swap(KEY_A, '203.0.113.7:51820'));
    expect(b.text).toBe(swap(KEY_B, '[2001:db8::9]:443'));
    const linesA = a.text.split('\n');
    const linesB = b.text.split('\n');
    expect(linesA).toHaveLength(linesB.length);
    const differing = linesA.filter((line, i) => line !== linesB[i]).map((line) => line.split(' = ')[0]);
    expect(differing).toEqual(['PublicKey', 'Endpoint']);
    expect([a.gateway, a.endpoint, a.publicKey, a.fingerprint, a.fileName]).toEqual([
      'gw-a',
      '203.0.113.7:51820',
      KEY_A,
      'c5d3 0ee6 0c2d 2a8c 9a4f',
      'alice-phon-gw-a.conf',
    ]);
    expect([b.gateway, b.fingerprint, b.fileName]).toEqual(['gw-b', '4eb3 2f4a 83f8 d899 0a14', 'alice-phon-gw-b.conf']);
  });

  it("writes each gateway's config as the C++ renderer writes that endpoint and key", () => {
    const params = device({ gateways, allowed_ips: ['10.0.0.0/8'], mtu: 1280 });
    for (const [i, config] of memberConfigs(params, privateKey).entries()) {
      const client = { ...params.client, endpoint: gateways[i].endpoint, gateway_public_key: gateways[i].public_key };
      expect(config.text).toBe(cppRender({ ...params, client: { ...client, gateways: [] } }, privateKey));
    }
  });

  it('names each file after its gateway, within the 15 characters the apps allow', () => {
    expect(configFileName('alice', 'phone')).toBe('alice-phone.conf');
    expect(configFileName('alice', 'phone', 'gw-a')).toBe('alice-phon-gw-a.conf');
    expect(configFileName('bo', 'pc', 'gw-a')).toBe('bo-pc-gw-a.conf');
    expect(configFileName('a very long member name', 'x', 'nl')).toBe('a_very_long_-nl.conf');
    expect(configFileName('alice', 'phone', 'amsterdam-north-1')).toBe('alice-amsterdam.conf');
    expect(configFileName('organizer', 'laptop', 'gw-b')).toBe('organizer-gw-b.conf');
  });

  it('keeps downloads apart when long gateway names share their start', () => {
    const long = ['amsterdam-north-1', 'amsterdam-north-2', 'gw-c'].map((name, i) => ({ ...gateways[i % 2], name }));
    const names = memberConfigs(device({ gateways: long }), privateKey).map((c) => c.fileName);
    expect(names).toEqual(['alic-amsterda+1.conf', 'alic-amsterda+2.conf', 'alice-phon-gw-c.conf']);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_=+.-]{1,15}\.conf$/);
    // A dash dropped at the cut makes the two meet too.
    const cut = ['amsterdam', 'amsterdam-x'].map((name, i) => ({ ...gateways[i], name }));
    expect(memberConfigs(device({ gateways: cut }), privateKey).map((c) => c.fileName)).toEqual([
      'alic-amsterda+1.conf',
      'alic-amsterda+2.conf',
    ]);
  });
});

