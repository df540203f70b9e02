// Every answer picketd can give becomes words a person can act on.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, errorText, setCsrfToken } from '../src/api';

function answer(status: number, body: string) {
  return vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': 'application/json' } }));
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
  it("turns picketd's error into a sentence and keeps its code", async () => {
    vi.stubGlobal('fetch', answer(403, '{"error":"the admin password is wrong; nothing was changed","code":"password_wrong"}'));
    const err = await failure(api('POST', '/wipe', { confirm: 'wipe everything', password: 'x' }));
    expect(err.status).toBe(403);
    expect(err.code).toBe('password_wrong');
    expect(err.message).toBe('The admin password is wrong; nothing was changed.');
  });
  it('falls back to words for the status when the body says nothing', async () => {
    for (const [status, words] of [
      [409, /already taken/],
      [429, /Too many attempts/],
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
