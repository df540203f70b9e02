import { describe, expect, it } from 'vitest';
import {
  accessBody,
  accessMode,
  accessSummary,
  dnsChange,
  dnsForm,
  parseList,
  parseLines,
  splitList,
  checkReissue,
  configFitsQr,
  typedPhrase,
  BURN_PHRASE,
  wipeConfirmed,
  WIPE_PHRASE,
  type DnsSettings,
} from '../src/lib/forms';
import { MAX_SPLIT_ENTRIES, QR_MAX_BYTES } from '../src/lib/client_config';

describe('lists typed by the admin', () => {
  it('split on commas, spaces and new lines', () => {
    expect(parseList(' 10.0.0.0/8,192.168.5.0/24\n\nfd00::/8 ')).toEqual(['10.0.0.0/8', '192.168.5.0/24', 'fd00::/8']);
    expect(parseList('  \n ,')).toEqual([]);
  });
  it('keep file paths whole, one per line', () => {
    expect(parseLines('/etc/picket/ads list.txt\n\n /tmp/b.txt ')).toEqual(['/etc/picket/ads list.txt', '/tmp/b.txt']);
  });
});

describe('split-tunnel lists', () => {
  it('keep each network once, as picketd does', () => {
    expect(splitList('10.0.0.0/8, 10.1.2.3/8\nfd00::/8 fd00:0::/8 192.168.5.0/24')).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.5.0/24',
    ]);
  });
  it('refuse what is not a network, quoting it', () => {
    expect(() => splitList('10.0.0.0/8 10.0.0.0/33')).toThrow('"10.0.0.0/33"');
    expect(() => splitList('example.org')).toThrow('"example.org"');
  });
  it('refuse one entry past the limit, naming it, and count repeats once', () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => `10.${i}.0.0/16`);
    expect(splitList(entries(MAX_SPLIT_ENTRIES).join('\n'))).toHaveLength(MAX_SPLIT_ENTRIES);
    expect(splitList([...entries(MAX_SPLIT_ENTRIES), '10.0.0.0/16'].join(' '))).toHaveLength(MAX_SPLIT_ENTRIES);
    expect(() => splitList(entries(MAX_SPLIT_ENTRIES + 1).join('\n'))).toThrow(
      `${MAX_SPLIT_ENTRIES + 1} different entries; at most ${MAX_SPLIT_ENTRIES}`,
    );
  });
  it('refuse a reissue whose config no QR code holds', () => {
    expect(() => checkReissue({ allowed_ips: new Array(MAX_SPLIT_ENTRIES + 1).fill('10.0.0.0/8') })).toThrow(
      `at most ${MAX_SPLIT_ENTRIES}`,
    );
    expect(() => checkReissue({ allowed_ips: ['0.0.0.0/0', '::/0'] })).not.toThrow();
    expect(configFitsQr('x'.repeat(QR_MAX_BYTES))).toBe(true);
    expect(configFitsQr('x'.repeat(QR_MAX_BYTES + 1))).toBe(false);
  });
});

describe('device access', () => {
  it('reads the three shapes picketd answers with', () => {
    expect(accessMode({ restricted_to: null, group: null })).toBe('anywhere');
    expect(accessMode({ restricted_to: [], group: null })).toBe('gateway');
    expect(accessMode({ restricted_to: ['10.20.0.0/16'], group: 'press' })).toBe('only');
  });
  it('writes the body PUT /access takes', () => {
    expect(accessBody('anywhere', '10.0.0.0/8', '')).toEqual({ restricted_to: null, group: null });
    expect(accessBody('gateway', '', ' press ')).toEqual({ restricted_to: [], group: 'press' });
    expect(accessBody('only', '10.20.0.0/16\n192.0.2.0/24', '')).toEqual({
      restricted_to: ['10.20.0.0/16', '192.0.2.0/24'],
      group: null,
    });
  });
  it('refuses "only some networks" with none listed, in words', () => {
    expect(() => accessBody('only', ' \n', '')).toThrow(/at least one network/);
  });
  it('says in words what a device reaches', () => {
    expect(accessSummary({ restricted_to: null, group: null })).toBe('reaches anywhere');
    expect(accessSummary({ restricted_to: ['10.20.0.0/16'], group: 'press' })).toBe(
      'reaches only 10.20.0.0/16; in group press',
    );
    expect(accessSummary({ restricted_to: [], group: null })).toBe("reaches only the gateway's DNS");
  });
});

describe('DNS resolver settings', () => {
  const current: DnsSettings = {
    zone: 'picket.internal',
    blocklists: ['/etc/a.txt'],
    block_answer: 'nxdomain',
    upstream: 'recursive',
    servers: [],
    dnssec: true,
    blocked_domains: 12,
  };
  it('sends nothing when nothing changed', () => {
    expect(dnsChange(current, dnsForm(current))).toEqual({});
  });
  it('sends only what changed, DNSSEC as 0/1', () => {
    const form = { ...dnsForm(current), block_answer: 'null', zone: ' corp.internal ', dnssec: false };
    expect(dnsChange(current, form)).toEqual({ block_answer: 'null', zone: 'corp.internal', dnssec: 0 });
  });
  it('an emptied blocklist box clears the lists', () => {
    expect(dnsChange(current, { ...dnsForm(current), blocklists: '' })).toEqual({ blocklists: [] });
  });
  it('forwarding needs a server', () => {
    expect(() => dnsChange(current, { ...dnsForm(current), upstream: 'tls' })).toThrow(/at least one server/);
    expect(dnsChange(current, { ...dnsForm(current), upstream: 'tls', servers: '9.9.9.9@853#dns.quad9.net' })).toEqual({
      upstream: 'tls',
      servers: ['9.9.9.9@853#dns.quad9.net'],
    });
  });
});

describe('panic wipe confirmation', () => {
  it('wants the phrase picketd checks', () => {
    expect(WIPE_PHRASE).toBe('wipe everything');
    expect(wipeConfirmed('wipe everything')).toBe(true);
    expect(wipeConfirmed(' Wipe Everything ')).toBe(true);
    expect(wipeConfirmed('wipe')).toBe(false);
    expect(wipeConfirmed('')).toBe(false);
  });
});

describe('burn confirmation', () => {
  it('wants the phrase picketd checks for /burn', () => {
    expect(BURN_PHRASE).toBe('burn');
    expect(typedPhrase(' BURN', BURN_PHRASE)).toBe(true);
    expect(typedPhrase('burn it', BURN_PHRASE)).toBe(false);
  });
});
