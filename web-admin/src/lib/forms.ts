import { MAX_SPLIT_ENTRIES, parsePrefix, QR_MAX_BYTES } from './client_config';

// Pure helpers behind the settings, access and wipe forms: what the admin
// typed, turned into the request bodies picketd expects (picketd checks
// everything again and is the authority; these only catch the obvious early
// and keep requests down to what changed).

// "10.0.0.0/8, 192.168.5.0/24" or one per line -> ["10.0.0.0/8", "192.168.5.0/24"]
export function parseList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// The split-tunnel list typed on the add screen, checked as picketd and the
// CLI check it before anything changes: each network once (10.1.2.3/8 and
// 10.0.0.0/8 are the same one), at most MAX_SPLIT_ENTRIES of them. Returns
// what to send as allowed_ips; throws an Error naming the bad entry or the
// limit, in the words of `say` (the screens pass their language's).
export interface SplitMessages {
  notNetwork: (entry: string) => string;
  tooMany: (count: number, max: number) => string;
  reissueTooMany: (count: number, max: number) => string;
}

export const ENGLISH_SPLIT_MESSAGES: SplitMessages = {
  notNetwork: (entry) => `"${entry}" is not a network: write it like 10.0.0.0/8 or fd00::/8.`,
  tooMany: (count, max) =>
    `The split-tunnel list has ${count} different entries; at most ${max} fit in the QR code a phone scans. Route wider networks (one /16 instead of many /24s).`,
  reissueTooMany: (count, max) =>
    `This device routes ${count} networks; at most ${max} fit in a QR code. Revoke it and add it again with fewer.`,
};

export function splitList(text: string, say: SplitMessages = ENGLISH_SPLIT_MESSAGES): string[] {
  const unique: string[] = [];
  const seen = new Set<string>();
  for (const entry of parseList(text)) {
    const prefix = parsePrefix(entry);
    if (!prefix) throw new Error(say.notNetwork(entry));
    const key = `${prefix.v6}/${prefix.bits}/${prefix.length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(entry);
  }
  if (unique.length > MAX_SPLIT_ENTRIES) throw new Error(say.tooMany(unique.length, MAX_SPLIT_ENTRIES));
  return unique;
}

// Before asking picketd to reissue: a device kept from before the limit
// would get a config no QR code holds (picketd refuses it too).
export function checkReissue(device: { allowed_ips: string[] }, say: SplitMessages = ENGLISH_SPLIT_MESSAGES): void {
  if (device.allowed_ips.length > MAX_SPLIT_ENTRIES) {
    throw new Error(say.reissueTooMany(device.allowed_ips.length, MAX_SPLIT_ENTRIES));
  }
}

// Whether a rendered config fits one QR code (what the QR component draws).
export const configFitsQr = (config: string) => new TextEncoder().encode(config).length <= QR_MAX_BYTES;

// What a device may reach (GET/PUT /members/M/devices/D/access).
export interface Access {
  restricted_to: string[] | null; // null: anywhere; []: only the gateway's services
  group: string | null;
}

export type AccessMode = 'anywhere' | 'gateway' | 'only';

export function accessMode(access: Access): AccessMode {
  if (access.restricted_to === null) return 'anywhere';
  return access.restricted_to.length === 0 ? 'gateway' : 'only';
}

export function accessBody(mode: AccessMode, networks: string, group: string): Access {
  let restricted_to: string[] | null = null;
  if (mode === 'gateway') restricted_to = [];
  if (mode === 'only') {
    restricted_to = parseList(networks);
    if (restricted_to.length === 0) {
      throw new Error('List at least one network the device may reach, e.g. 10.20.0.0/16, or pick another choice.');
    }
  }
  const name = group.trim();
  return { restricted_to, group: name ? name : null };
}

export function accessSummary(access: Access): string {
  const where =
    access.restricted_to === null
      ? 'reaches anywhere'
      : access.restricted_to.length === 0
        ? "reaches only the gateway's DNS"
        : `reaches only ${access.restricted_to.join(', ')}`;
  return access.group ? `${where}; in group ${access.group}` : where;
}

// The resolver's settings (GET/PATCH /dns).
export interface DnsSettings {
  zone: string;
  blocklists: string[];
  block_answer: 'nxdomain' | 'null' | string;
  upstream: 'recursive' | 'tls' | 'plain' | string;
  servers: string[];
  dnssec: boolean;
  // false where libunbound cannot forward over TLS (Debian 12): picketd refuses tls.
  tls_available?: boolean;
  blocked_domains: number;
  blocklist_bytes?: number;
}

export interface DnsForm {
  zone: string;
  blocklists: string; // one path per line
  block_answer: string;
  upstream: string;
  servers: string; // one per line
  dnssec: boolean;
}

export function dnsForm(s: DnsSettings): DnsForm {
  return {
    zone: s.zone,
    blocklists: s.blocklists.join('\n'),
    block_answer: s.block_answer,
    upstream: s.upstream,
    servers: s.servers.join('\n'),
    dnssec: s.dnssec,
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

// Only the fields that changed; picketd's PATCH keeps the others. DNSSEC goes
// as 0/1, which is what PATCH /dns takes.
export function dnsChange(current: DnsSettings, form: DnsForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const zone = form.zone.trim();
  if (zone !== current.zone) body.zone = zone;
  const blocklists = parseLines(form.blocklists);
  if (!sameList(blocklists, current.blocklists)) body.blocklists = blocklists;
  if (form.block_answer !== current.block_answer) body.block_answer = form.block_answer;
  if (form.upstream !== current.upstream) body.upstream = form.upstream;
  const servers = parseList(form.servers);
  if (!sameList(servers, current.servers)) body.servers = servers;
  if (form.dnssec !== current.dnssec) body.dnssec = form.dnssec ? 1 : 0;
  if (form.upstream !== 'recursive' && servers.length === 0) {
    throw new Error('Forwarding needs at least one server, e.g. 9.9.9.9@853#dns.quad9.net for DNS-over-TLS.');
  }
  return body;
}

// File paths may hold spaces, so blocklists are one per line.
export function parseLines(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

// The panic wipe's typed confirmation: picketd wants exactly this phrase.
export const WIPE_PHRASE = 'wipe everything';
export const wipeConfirmed = (typed: string) => typed.trim().toLowerCase() === WIPE_PHRASE;

// Burn (revoke every device of every member, members stay): its phrase.
export const BURN_PHRASE = 'burn';
export const typedPhrase = (typed: string, phrase: string) => typed.trim().toLowerCase() === phrase;

// Gateway key rotation: its phrase.
export const ROTATE_PHRASE = 'rotate';
