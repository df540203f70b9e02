// The acting admin's password, asked again for every change that widens
// access or destroys data (DESIGN.md principle 12: a session is not a
// password, so a laptop left open is not enough). picketd checks it and
// answers password_required or password_wrong; the page keeps it only in the
// form's state, never in storage, and sends it as the body's "password".
import { t } from '../i18n';
import { Field } from './field';

export function PasswordField({
  id,
  value,
  onValue,
  problem,
  hint = t.password.hint,
}: {
  id: string;
  value: string;
  onValue: (value: string) => void;
  problem?: string | null;
  hint?: string;
}) {
  return (
    <Field
      id={id}
      label={t.common.yourPassword}
      type="password"
      value={value}
      onValue={onValue}
      autocomplete="current-password"
      hint={hint}
      problem={problem}
      // Not the browser's own "required" check: its bubble speaks the
      // browser's language; needPassword says it in the page's.
      aria-required="true"
    />
  );
}

// Thrown before a request that needs the password goes out without one, so
// the admin reads the page's words rather than picketd's 400.
export function needPassword(password: string): string {
  if (!password) throw new Error(t.errors.passwordRequired);
  return password;
}
