// The second factor at login and at the end of setup: the code from the
// admin's authenticator app, or one of their recovery codes instead.
import { Field } from './field';

export function CodeField({ recovery = false, value, onValue }: { recovery?: boolean; value: string; onValue: (value: string) => void }) {
  return (
    <Field
      label={recovery ? 'Recovery code' : 'Code from your authenticator app'}
      value={value}
      onValue={onValue}
      inputMode={recovery ? 'text' : 'numeric'}
      autocomplete="one-time-code"
      required
    />
  );
}
