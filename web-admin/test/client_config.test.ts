import { describe, expect, it } from 'vitest';
import {
  clientRoutes,
  configFileName,
  MAX_SPLIT_ENTRIES,
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
