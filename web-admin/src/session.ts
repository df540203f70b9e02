// Who is logged in. The session itself is an HttpOnly cookie the page never
// sees; what the page holds is the admin's name and the CSRF token.
import { api, setCsrfToken } from './api';

export interface Session {
  admin: { id: number; username: string };
  csrf_token: string;
  idle_timeout_seconds: number;
}

export interface Enrollment {
  admin: { id: number; username: string };
  totp_secret: string;
  otpauth_uri: string;
  recovery_codes: string[];
}

function started(session: Session): Session {
  setCsrfToken(session.csrf_token);
  return session;
}

export async function currentSession(): Promise<Session> {
  return started(await api<Session>('GET', '/session'));
}

export async function login(fields: {
  username: string;
  password: string;
  totp?: string;
  recovery_code?: string;
}): Promise<Session> {
  return started(await api<Session>('POST', '/session', fields));
}

// What login sends as the second factor: an app's code without the spaces
// some apps show in it, or a recovery code as typed.
export function secondFactor(code: string, recovery = false): { totp: string } | { recovery_code: string } {
  return recovery ? { recovery_code: code.trim() } : { totp: code.replace(/\s/g, '') };
}

export async function logout(): Promise<void> {
  try {
    await api('DELETE', '/session');
  } finally {
    setCsrfToken('');
  }
}

// First run: shows the secret (nothing is stored yet; the link stays good),
// then a code from the app creates the admin and logs in.
export function setup(fields: { setup_token: string; username: string; password: string }) {
  return api<Enrollment>('POST', '/setup', fields);
}

export async function confirmSetup(setupToken: string, code: string): Promise<Session> {
  return started(await api<Session>('POST', '/setup/confirm', { setup_token: setupToken, totp: code.replace(/\s/g, '') }));
}

// Root's one-time recovery links (picket admin reset-totp / reset-password).
export interface RecoveryLink {
  admin: string;
  what: 'password' | 'totp';
  expires_at: number;
}

export const recoveryInfo = (token: string) => api<RecoveryLink>('POST', '/recovery', { token });
export const recoverPassword = (token: string, password: string) =>
  api<{ admin: string }>('POST', '/recovery/password', { token, password });
export const recoverTotp = (token: string, password: string) =>
  api<Enrollment>('POST', '/recovery/totp', { token, password });
export async function confirmRecoveredTotp(token: string, code: string): Promise<Session> {
  return started(await api<Session>('POST', '/recovery/totp/confirm', { token, totp: code.replace(/\s/g, '') }));
}
