import { describe, expect, it } from 'vitest';
import {
  accessBody,
  accessMode,
  accessSummary,
  dnsChange,
  dnsForm,
  parseList,
  parseLines,
  typedPhrase,
  BURN_PHRASE,
  wipeConfirmed,
  WIPE_PHRASE,
  type DnsSettings,
} from '../src/lib/forms';

describe('lists typed by the admin', () => {
  it('split on commas, spaces and new lines', () => {
    expect(parseList(' 10.0.0.0/8,192.168.5.0/24\n\nfd00::/8 ')).toEqual(['10.0.0.0/8', '192.168.5.0/24', 'fd00::/8']);
    expect(parseList('  \n ,')).toEqual([]);
  });
  it('keep file paths whole, one per line', () => {
    expect(parseLines('/etc/picket/ads list.txt\n\n /tmp/b.txt ')).toEqual(['/etc/picket/ads list.txt', '/tmp/b.txt']);
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
