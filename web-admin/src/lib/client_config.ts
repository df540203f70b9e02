// The client config text, byte for byte the same as picket's C++ renderer
// (controller/src/render/client_config.cpp); test/client_config.test.ts
// compares the two. Only keys every official app accepts, LF line ends,
// no byte order mark.

// One gateway host of a controller (picketd --role controller) as members
// reach it: a member's config for it differs from the others only in
// Endpoint and the [Peer] PublicKey. Not secret.
export interface GatewayEndpoint {
  name: string;
  endpoint: string;
  public_key: string;
  fingerprint: string;
}

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
    // Empty on a single box. On a controller, endpoint and the gateway key
    // above belong to no host a member can dial: a config is made for each
    // of these instead. Optional because a picketd from before controllers
    // leaves it out (the browser test may serve this page next to one).
    gateways?: GatewayEndpoint[];
  };
}

// The same limits as picketd and the CLI (controller/include/picket/
// controller/render.hpp; test/client_config.test.ts compares them): at most
// MAX_SPLIT_ENTRIES different split-tunnel entries, so that the longest
// config still fits one QR code, which holds QR_MAX_BYTES at level M.
export const MAX_SPLIT_ENTRIES = 30;
export const QR_MAX_BYTES = 2331;

interface Prefix {
  v6: boolean;
  bits: bigint;
  length: number;
}

function parseAddress(text: string): { v6: boolean; bits: bigint } | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { v6: false, bits: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) return null;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = parseAddress(g);
        if (!v4 || v4.v6) return null;
        out.push(Number(v4.bits >> 16n), Number(v4.bits & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
        out.push(parseInt(g, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const first = groups(head);
  const last = tail === null ? [] : groups(tail);
  if (!first || !last) return null;
  const missing = 8 - first.length - last.length;
  if (tail === null ? missing !== 0 : missing < 1) return null;
  const all = [...first, ...new Array<number>(tail === null ? 0 : missing).fill(0), ...last];
  return { v6: true, bits: all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
}

// "10.0.0.0/8" or "fd77:77::1" (a host) as a network; null when it is not one.
export function parsePrefix(text: string): Prefix | null {
  const [address, length, extra] = text.split('/');
  if (extra !== undefined) return null;
  const parsed = parseAddress(address);
  if (!parsed) return null;
  const max = parsed.v6 ? 128 : 32;
  if (length !== undefined && !/^\d{1,3}$/.test(length)) return null;
  const bitsLength = length === undefined ? max : Number(length);
  if (bitsLength > max) return null;
  const hostBits = BigInt(max - bitsLength);
  return { v6: parsed.v6, bits: (parsed.bits >> hostBits) << hostBits, length: bitsLength };
}

function covers(prefix: Prefix, address: Prefix): boolean {
  if (prefix.v6 !== address.v6) return false;
  const hostBits = BigInt((prefix.v6 ? 128 : 32) - prefix.length);
  return address.bits >> hostBits === prefix.bits >> hostBits;
}

// What the AllowedIPs line carries, as controller/src/render/client_config.cpp
// makes it: the entries without repeats, then a /32 or /128 for each DNS
// server none of them covers. A config that names a DNS server must route
// it: the Android app sends DNS to every server named but routes only
// AllowedIPs, so a split tunnel would send its queries outside.
export function clientRoutes(allowedIps: string[], dns: string[]): string[] {
  const routes: string[] = [];
  const add = (route: string) => {
    if (!routes.includes(route)) routes.push(route);
  };
  allowedIps.forEach(add);
  const prefixes = allowedIps.map(parsePrefix).filter((p): p is Prefix => p !== null);
  for (const server of dns) {
    const address = parsePrefix(server);
    if (!address || prefixes.some((p) => covers(p, address))) continue;
    add(`${server}/${address.v6 ? 128 : 32}`);
  }
  return routes;
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
  const routes = clientRoutes(c.allowed_ips, c.dns);
  if (routes.length > 0) line('AllowedIPs', routes.join(', '));
  if (c.keepalive !== 0) line('PersistentKeepalive', String(c.keepalive));
  return lines.join('\n') + '\n';
}

// A file name the apps show as the tunnel name: they allow 15 characters of
// [a-zA-Z0-9_=+.-]. With a gateway its name goes last and whole up to 10
// characters, since it is what tells the member's tunnels apart; the
// member and device give way first (alice-phon-gw-a.conf).
const TUNNEL_NAME = 15;
const GATEWAY_PART = 10;
const tunnelChars = (text: string) => text.replace(/[^a-zA-Z0-9_=+.-]/g, '_');

export function configFileName(member: string, device: string, gateway?: string): string {
  const name = tunnelChars(`${member}-${device}`);
  if (gateway === undefined) return `${name.slice(0, TUNNEL_NAME)}.conf`;
  // A name cut at a dash would end in one (amsterdam-north → amsterdam-).
  const suffix = `-${tunnelChars(gateway).slice(0, GATEWAY_PART).replace(/-+$/, '')}`;
  // Nor a double dash where the member-device part was cut (organizer--gw-b).
  return `${name.slice(0, TUNNEL_NAME - suffix.length).replace(/-+$/, '')}${suffix}.conf`;
}

// One config to hand out: the only one on a single box (no gateway), or the
// one for a gateway host of a controller.
export interface MemberConfig {
  gateway?: string;
  endpoint: string;
  publicKey: string;
  fingerprint: string;
  text: string;
  fileName: string;
}

// Every config a new or reissued device needs, from picketd's answer: one per
// gateway host, the same but for Endpoint and PublicKey, or on a single box
// exactly the one it always had.
export function memberConfigs(
  answer: ClientParameters & { member: string; label: string },
  privateKey: string,
): MemberConfig[] {
  const c = answer.client;
  const gateways = c.gateways ?? [];
  if (gateways.length === 0) {
    return [
      {
        endpoint: c.endpoint,
        publicKey: c.gateway_public_key,
        fingerprint: c.gateway_fingerprint,
        text: renderClientConfig(answer, privateKey),
        fileName: configFileName(answer.member, answer.label),
      },
    ];
  }
  const names = gateways.map((g) => configFileName(answer.member, answer.label, g.name));
  return gateways.map((g, i) => {
    const client = { ...c, endpoint: g.endpoint, gateway_public_key: g.public_key };
    // Two long gateway names can share their first 10 characters; the
    // position after a '+' (which gateway names never hold) keeps the two
    // downloads, and the tunnels they name, apart.
    const clash = names.indexOf(names[i]) !== names.lastIndexOf(names[i]);
    const place = `+${i + 1}`;
    const fileName = clash
      ? configFileName(answer.member, answer.label, g.name.slice(0, GATEWAY_PART - place.length) + place)
      : names[i];
    return {
      gateway: g.name,
      endpoint: g.endpoint,
      publicKey: g.public_key,
      fingerprint: g.fingerprint,
      text: renderClientConfig({ ...answer, client }, privateKey),
      fileName,
    };
  });
}
