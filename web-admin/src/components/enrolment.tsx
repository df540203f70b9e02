// A new authenticator secret and recovery codes, shown until a code from
// the app proves it holds them (first setup, a TOTP recovery link). Nothing
// counts before that, and a reload asks first.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { useLeaveWarning } from '../lib/leave_warning';
import type { Enrollment, Session } from '../session';
import { CodeField } from './code_field';
import { Submit } from './field';
import { QrCode } from './qr_code';

export function EnrolmentView({
  enrollment,
  confirm,
  onLoggedIn,
}: {
  enrollment: Enrollment;
  confirm: (code: string) => Promise<Session>;
  onLoggedIn: (s: Session) => void;
}) {
  const [code, setCode] = useState('');
  const { busy, error, submit } = useAction();
  const m = t.enrol;
  useLeaveWarning();
  return (
    <>
      <h1 id="enrol-title">{m.title}</h1>
      <p>{m.scan}</p>
      <QrCode text={enrollment.otpauth_uri} label={m.qrLabel} />
      <p>
        {m.byHand} <code data-testid="totp-secret">{enrollment.totp_secret}</code>
      </p>
      <h2>{m.codesTitle}</h2>
      <p>{m.codesText}</p>
      <ul class="codes" data-testid="recovery-codes">
        {enrollment.recovery_codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <form onSubmit={submit(async () => onLoggedIn(await confirm(code)))} aria-label={m.formLabel}>
        <p class="muted">{m.confirmText}</p>
        <CodeField value={code} onValue={setCode} />
        <Submit error={error} busy={busy}>
          {m.submit}
        </Submit>
      </form>
    </>
  );
}
