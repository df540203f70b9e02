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

export async function currentSession(): Promise<Session> {
  const session = await api<Session>('GET', '/session');
  setCsrfToken(session.csrf_token);
  return session;
}

export async function login(fields: {
  username: string;
  password: string;
  totp?: string;
  recovery_code?: string;
}): Promise<Session> {
  const session = await api<Session>('POST', '/session', fields);
  setCsrfToken(session.csrf_token);
  return session;
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

export function setup(fields: { setup_token: string; username: string; password: string }) {
  return api<Enrollment>('POST', '/setup', fields);
}
