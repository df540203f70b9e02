// Every answer picketd can give becomes words a person can act on.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, errorText, setCsrfToken, whenSessionLost, withoutCliHints } from '../src/api';

function answer(status: number, body: string, headers: Record<string, string> = {}) {
  return vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': 'application/json', ...headers } }));
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a failure');
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken('');
});

describe('api()', () => {
  it("words a known code itself and keeps picketd's code and text", async () => {
    vi.stubGlobal('fetch', answer(403, '{"error":"the admin password is wrong; nothing was changed","code":"password_wrong"}'));
    const err = await failure(api('POST', '/wipe', { confirm: 'wipe everything', password: 'x' }));
    expect(err.status).toBe(403);
    expect(err.code).toBe('password_wrong');
    expect(err.message).toBe('Your admin password is wrong; nothing was changed.');
    expect(err.detail).toBe('the admin password is wrong; nothing was changed');
  });
  it("passes picketd's detail on for bad input, without CLI hints", async () => {
    vi.stubGlobal('fetch', answer(400, '{"error":"the member has no device with that label; see `picket device list`","code":"invalid_input"}'));
    const err = await failure(api('GET', '/x'));
    expect(err.message).toBe('picketd refused it: The member has no device with that label.');
    expect(withoutCliHints('no member with that label; see `picket member list`')).toBe('no member with that label');
  });
  it('says how long a lockout lasts, from Retry-After', async () => {
    vi.stubGlobal('fetch', answer(429, '{"error":"too many failed logins; try again later","code":"rate_limited"}', { 'Retry-After': '240' }));
    const err = await failure(api('POST', '/session', {}));
    expect(err.retryAfter).toBe(240);
    expect(err.message).toBe('Too many failed attempts. Try again in 4 minutes.');
    vi.stubGlobal('fetch', answer(429, '{"code":"rate_limited"}', { 'Retry-After': '45' }));
    expect((await failure(api('POST', '/session', {}))).message).toMatch(/in 45 seconds/);
  });
  it('tells the app a session ended, and why, but not for a wrong password', async () => {
    const lost = vi.fn();
    whenSessionLost(lost);
    vi.stubGlobal('fetch', answer(401, '{"error":"…","code":"session_idle"}'));
    await failure(api('GET', '/devices'));
    expect(lost).toHaveBeenCalledWith('You were logged out because nobody used this page for a while.');
    lost.mockClear();
    vi.stubGlobal('fetch', answer(401, '{"error":"the password is wrong","code":"login_failed"}'));
    await failure(api('POST', '/recovery/totp', {}));
    expect(lost).not.toHaveBeenCalled();
    whenSessionLost(() => {});
  });
  it('marks reads the page makes on its own as background reads', async () => {
    const fetch = answer(200, '{}');
    vi.stubGlobal('fetch', fetch);
    await api('GET', '/devices', undefined, { background: true });
    await api('GET', '/devices');
    const calls = fetch.mock.calls as unknown as [string, RequestInit][];
    expect((calls[0][1].headers as Record<string, string>)['X-Picket-Background']).toBe('1');
    expect((calls[1][1].headers as Record<string, string>)['X-Picket-Background']).toBeUndefined();
  });
  it('falls back to words for the status when the body says nothing', async () => {
    for (const [status, words] of [
      [409, /already taken/],
      [429, /Too many failed attempts/],
      [503, /nothing was changed/],
      [502, /HTTP status 502/],
    ] as const) {
      vi.stubGlobal('fetch', answer(status, '<html>proxy error</html>'));
      expect((await failure(api('GET', '/dns'))).message).toMatch(words);
    }
  });
  it('says when picketd cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const err = await failure(api('GET', '/devices'));
    expect(err.status).toBe(0);
    expect(errorText(err)).toMatch(/cannot be reached/);
  });
  it('sends the CSRF token on changes only', async () => {
    const fetch = answer(200, '{"member_to_member":true}');
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('tok');
    await api('PUT', '/firewall', { member_to_member: true });
    await api('GET', '/firewall');
    const calls = fetch.mock.calls as unknown as [string, RequestInit][];
    expect(calls[0][0]).toBe('/api/v1/firewall');
    expect((calls[0][1].headers as Record<string, string>)['X-CSRF-Token']).toBe('tok');
    expect((calls[1][1].headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
    expect(calls[0][1].body).toBe('{"member_to_member":true}');
  });
  it('errorText words a thrown form check too', () => {
    expect(errorText(new Error('list at least one network'))).toBe('List at least one network.');
  });
});
