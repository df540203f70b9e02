// Root's one-time recovery link (`picket admin reset-totp NAME` or
// `reset-password NAME` on the server): a new authenticator app after the
// admin's password, or a new password (the app still guards the login).
import { useEffect, useState } from 'preact/hooks';
import { EnrolmentView } from '../components/enrolment';
import { ErrorText, Field, Submit } from '../components/field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { passwordProblem } from '../lib/validate';
import {
  confirmRecoveredTotp,
  recoverPassword,
  recoverTotp,
  recoveryInfo,
  type Enrollment,
  type RecoveryLink,
  type Session,
} from '../session';
import { tokenFromUrl } from './setup';

export function Recover({ onLoggedIn, onLogin }: { onLoggedIn: (s: Session) => void; onLogin: () => void }) {
  const [token] = useState(tokenFromUrl);
  const [link, setLink] = useState<RecoveryLink | null>(null);
  const [password, setPassword] = useState('');
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [changed, setChanged] = useState(false);
  const { busy, error, setError, submit } = useAction();
  const m = t.recover;

  useEffect(() => {
    recoveryInfo(token).then(setLink, (err) => setError(err.message));
  }, [token]);

  const leave = () => history.replaceState(null, '', '#/devices');

  if (enrollment) {
    return (
      <main class="narrow" aria-labelledby="enrol-title">
        <EnrolmentView
          enrollment={enrollment}
          confirm={(code) => confirmRecoveredTotp(token, code)}
          onLoggedIn={(s) => (leave(), onLoggedIn(s))}
        />
      </main>
    );
  }
  return (
    <main class="narrow" aria-labelledby="recover-title">
      <h1 id="recover-title">{m.title}</h1>
      {!link && <ErrorText text={error} />}
      {changed && (
        <p class="notice" role="status">
          {m.passwordChanged}
        </p>
      )}
      {link && !changed && (
        <form
          onSubmit={submit(async () => {
            if (link.what === 'totp') setEnrollment(await recoverTotp(token, password));
            else {
              await recoverPassword(token, password);
              setChanged(true);
            }
          })}
          aria-label={m.title}
        >
          <p>{link.what === 'totp' ? m.totpIntro(link.admin) : m.passwordIntro(link.admin)}</p>
          <Field
            label={link.what === 'totp' ? m.currentPassword : m.newPassword}
            type="password"
            value={password}
            onValue={setPassword}
            autocomplete={link.what === 'totp' ? 'current-password' : 'new-password'}
            problem={link.what === 'password' ? passwordProblem(password) : null}
            required
          />
          <Submit error={error} busy={busy}>
            {link.what === 'totp' ? m.totpSubmit : m.passwordSubmit}
          </Submit>
        </form>
      )}
      <p>
        <button type="button" class="link" onClick={() => (leave(), onLogin())}>
          {m.toLogin}
        </button>
      </p>
    </main>
  );
}
