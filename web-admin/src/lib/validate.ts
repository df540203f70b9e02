// Checks picketd makes too, run here as the admin types so that the rule
// shows next to the field before anything is sent. picketd stays the
// authority (controller/src/domain/validate.cpp).
import { t } from '../i18n';

const MAX_LABEL = 32;

// Member and device labels: they become DNS names (phone.alice.picket.internal).
// Capitals are fine (picketd folds them to lower case).
export function labelProblem(text: string): string | null {
  const label = text.trim();
  if (!label) return null; // empty is said by "required" on submit, not while typing
  if (label.length > MAX_LABEL) return t.validate.labelTooLong(label.length);
  const bad = [...label].find((c) => !/[a-zA-Z0-9-]/.test(c));
  if (bad !== undefined) return bad === ' ' ? t.validate.labelSpace : t.validate.labelCharacter(bad);
  if (label.startsWith('-') || label.endsWith('-')) return t.validate.labelDash;
  return null;
}

// A note is kept on the server: one line, at most 256 bytes.
export function noteProblem(text: string): string | null {
  if (new TextEncoder().encode(text).length > 256) return t.validate.noteTooLong;
  return null;
}

// Admin passwords: the length picketd wants; the rest it says itself.
export function passwordProblem(text: string): string | null {
  if (text && text.length < 12) return t.validate.passwordShort(text.length);
  return null;
}

export function usernameProblem(text: string): string | null {
  if (!text) return null;
  if (text.length > 32 || !/^[a-z0-9][a-z0-9._-]*$/.test(text)) return t.validate.username;
  return null;
}
