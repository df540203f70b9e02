// The second factor at login and at the end of setup: the code from the
// admin's authenticator app, or one of their recovery codes instead.
import { t } from '../i18n';
import { Field } from './field';

export function CodeField({
  recovery = false,
  value,
  onValue,
  id,
}: {
  recovery?: boolean;
  value: string;
  onValue: (value: string) => void;
  id?: string;
}) {
  return (
    <Field
      id={id}
      label={recovery ? t.login.recoveryCode : t.login.appCode}
      value={value}
      onValue={onValue}
      inputMode={recovery ? 'text' : 'numeric'}
      autocomplete="one-time-code"
      required
    />
  );
}
