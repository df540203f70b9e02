// The one place that talks to picketd's HTTP API (/api/v1, see
// /api/v1/openapi.json). Every failure becomes an ApiError whose message a
// person can act on.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Sent back on every state-changing request; picketd refuses them without it
// (CSRF). Held in memory only: a reload logs in again via the session cookie
// and GET /session, which returns it anew.
let csrfToken = '';
export function setCsrfToken(token: string) {
  csrfToken = token;
}

// Called when picketd says the session is gone, so the app can show login.
let onSessionLost: () => void = () => {};
export function whenSessionLost(handler: () => void) {
  onSessionLost = handler;
}

const FALLBACK: Record<number, string> = {
  400: 'picketd did not accept that input.',
  401: 'Your session has ended. Log in again.',
  403: 'You are not allowed to do that.',
  404: 'That no longer exists. Someone may have removed it a moment ago.',
  409: 'That name is already taken.',
  413: 'That is too much input at once.',
  429: 'Too many attempts. Wait a minute and try again.',
  500: 'picketd hit an internal error. Its log (journalctl -u picketd) says more.',
  503: 'picketd could not change the WireGuard interface; nothing was changed.',
};

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'picketd cannot be reached. Are you still connected to the VPN?');
  }
  const text = await response.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = typeof data?.code === 'string' ? data.code : String(response.status);
    const message =
      typeof data?.error === 'string' && data.error
        ? sentence(data.error)
        : (FALLBACK[response.status] ?? `picketd answered with HTTP status ${response.status}.`);
    if (response.status === 401 && path !== '/session' && !path.startsWith('/session/')) onSessionLost();
    throw new ApiError(response.status, code, message);
  }
  return data as T;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return sentence(error.message);
  return 'Something went wrong.';
}

// Member and device labels go into paths; the API decodes each segment.
export const seg = (text: string) => encodeURIComponent(text);
