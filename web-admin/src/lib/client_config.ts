// The client config text, byte for byte the same as picket's C++ renderer
// (controller/src/render/client_config.cpp); test/client_config.test.ts
// compares the two. Only keys every official app accepts, LF line ends,
// no byte order mark.

// What the API returns for a new or reissued device: the device fields plus
// the `client` object (controller/src/api/json_codec.cpp).
export interface ClientParameters {
  ipv4: string;
  ipv6: string;
  client: {
    gateway_public_key: string;
    gateway_fingerprint: string;
    endpoint: string;
    preshared_key: string;
    dns: string[];
    allowed_ips: string[];
    keepalive: number;
    mtu: number;
  };
}

// WireGuard's "no preshared key": writing it out would only suggest
// protection that is not there.
const ZERO_KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function renderClientConfig(params: ClientParameters, privateKey: string): string {
  const c = params.client;
  const lines: string[] = ['[Interface]'];
  const line = (key: string, value: string) => lines.push(`${key} = ${value}`);
  line('PrivateKey', privateKey);
  // Explicit /32 and /128: some apps reject a bare address in Address.
  line('Address', `${params.ipv4}/32, ${params.ipv6}/128`);
  if (c.dns.length > 0) line('DNS', c.dns.join(', '));
  if (c.mtu !== 0) line('MTU', String(c.mtu));
  lines.push('', '[Peer]');
  line('PublicKey', c.gateway_public_key);
  if (c.preshared_key !== ZERO_KEY) line('PresharedKey', c.preshared_key);
  line('Endpoint', c.endpoint);
  if (c.allowed_ips.length > 0) line('AllowedIPs', c.allowed_ips.join(', '));
  if (c.keepalive !== 0) line('PersistentKeepalive', String(c.keepalive));
  return lines.join('\n') + '\n';
}

// A file name the apps show as the tunnel name: they allow 15 characters of
// [a-zA-Z0-9_=+.-].
export function configFileName(member: string, device: string): string {
  const name = `${member}-${device}`.replace(/[^a-zA-Z0-9_=+.-]/g, '_').slice(0, 15);
  return `${name}.conf`;
}
