// The one place that talks to picketd's HTTP API (/api/v1, see
// /api/v1/openapi.json). Every failure becomes an ApiError whose message a
// person can act on, in the page's language.
import { t } from './i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter = 0,
    // picketd's own words (English), for telling cases apart.
    readonly detail = '',
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

// Called when picketd says the session is gone, with why, so the app can
// ask for a login over the page (what was typed stays).
let onSessionLost: (why: string) => void = () => {};
export function whenSessionLost(handler: (why: string) => void) {
  onSessionLost = handler;
}

// The codes of a 401 that mean "the session is gone" (a wrong password in
// a form is a 401 too, but the session is fine).
const SESSION_CODES = new Set(['unauthenticated', 'session_idle', 'session_expired']);

function sentence(text: string): string {
  const s = text.trim();
  if (!s) return s;
  const first = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

// picketd's own words are written for the CLI too; hints at CLI commands
// make no sense in a browser.
export function withoutCliHints(text: string): string {
  return text.replace(/[;,]?\s*(see|use|with|run)\s+`picket [^`]*`(\s+on the server)?/gi, '').replace(/`/g, '');
}

// The words for an answer: ours when the code says enough, picketd's when
// only it knows the detail (which input was wrong), in English then.
export function messageFor(status: number, code: string, serverText: string, retryAfter: number): string {
  const m = t.errors;
  switch (code) {
    case 'session_idle':
      return m.sessionIdle;
    case 'session_expired':
      return m.sessionExpired;
    case 'unauthenticated':
      return m.unauthenticated;
    case 'login_failed':
      return m.loginFailed;
    case 'rate_limited':
      return m.rateLimited(retryAfter);
    case 'password_wrong':
      return m.passwordWrong;
    case 'password_required':
      return m.passwordRequired;
    case 'code_wrong':
      return m.codeWrong;
    case 'setup_refused':
      return m.setupRefused;
    case 'not_found':
      return m.notFound;
    case 'conflict':
      return m.conflict;
    case 'apply_failed':
      return m.applyFailed;
    case 'storage_full':
      return m.storageFull;
  }
  if (status === 429) return m.rateLimited(retryAfter);
  if (serverText && (status === 400 || status === 403 || status === 409 || status === 503 || status === 500)) {
    const detail = sentence(withoutCliHints(serverText));
    return m.refused(detail);
  }
  const fallback = m.byStatus[status as keyof typeof m.byStatus];
  return fallback ?? m.otherStatus(status);
}

export interface CallOptions {
  // A read the page makes on its own (polling): it must not count as the
  // admin being active, or an abandoned laptop would never log out.
  background?: boolean;
}

export async function api<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.background) headers['X-Picket-Background'] = '1';
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
    throw new ApiError(0, 'network', t.errors.network);
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
    const retryAfter = Number(response.headers.get('Retry-After') ?? data?.retry_after ?? 0) || 0;
    const serverText = typeof data?.error === 'string' ? data.error : '';
    const message = messageFor(response.status, code, serverText, retryAfter);
    if (response.status === 401 && SESSION_CODES.has(code) && path !== '/session') onSessionLost(message);
    throw new ApiError(response.status, code, message, retryAfter, serverText);
  }
  return data as T;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return sentence(error.message);
  return t.errors.unknown;
}

// picketd without a firewall (--no-firewall) has no access or isolation routes.
export const isUnknownPath = (err: unknown) =>
  err instanceof ApiError && err.status === 404 && /unknown API path/i.test(err.detail);

// Member and device labels go into paths; the API decodes each segment.
export const seg = (text: string) => encodeURIComponent(text);
