import { useEffect, useState } from 'preact/hooks';
import { api, errorText, seg } from '../api';
import { TypedConfirmDialog } from '../components/dialog';
import { ErrorText, Field } from '../components/field';
import { needPassword, PasswordField } from '../components/password_field';
import { QrCode } from '../components/qr_code';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { dateTime } from '../lib/format';
import { passwordProblem, usernameProblem } from '../lib/validate';
import type { Enrollment } from '../session';

interface Admin {
  id: number;
  username: string;
  created_at: number;
  recovery_codes_left: number;
}

export function Admins({ me }: { me: string }) {
  const [admins, setAdmins] = useState<Admin[]>([]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [myPassword, setMyPassword] = useState('');
  const [enrolled, setEnrolled] = useState<Enrollment | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const { error, setError, submit } = useAction();
  const m = t.admins;

  const load = () => api<{ admins: Admin[] }>('GET', '/admins').then((r) => setAdmins(r.admins), (e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);

  // The new admin's password is "new_password"; "password" is the acting
  // admin's own, asked again because a new admin is new access.
  const add = submit(async () => {
    const body = { username, new_password: password, password: needPassword(myPassword) };
    setEnrolled(await api<Enrollment>('POST', '/admins', body));
    setUsername('');
    setPassword('');
    setMyPassword('');
    load();
  });

  return (
    <section aria-labelledby="admins-title" class="narrow">
      <h1 id="admins-title">{m.title}</h1>
      <ErrorText text={error} />
      <ul class="plain">
        {admins.map((a) => (
          <li key={a.id} class="admin-row">
            <span>
              <strong>{a.username}</strong>{' '}
              <span class="muted">{m.since(dateTime(a.created_at), a.recovery_codes_left)}</span>
            </span>
            {a.username !== me && (
              <button type="button" class="danger-outline" onClick={() => setRemoving(a.username)} aria-label={m.remove(a.username)}>
                {m.removeShort}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p class="muted">{m.recoveryHint}</p>
      {enrolled ? (
        <div>
          <h2>{m.handOver(enrolled.admin.username)}</h2>
          <QrCode text={enrolled.otpauth_uri} label={m.qrLabel(enrolled.admin.username)} />
          <p>
            {m.secret} <code>{enrolled.totp_secret}</code>
          </p>
          <p>
            {m.codes} {enrolled.recovery_codes.map((c) => <code key={c}>{c} </code>)}
          </p>
          <button type="button" onClick={() => setEnrolled(null)}>
            {m.hide}
          </button>
        </div>
      ) : (
        <form onSubmit={add} aria-label={m.addTitle}>
          <h2>{m.addTitle}</h2>
          <Field label={m.username} value={username} onValue={setUsername} autocomplete="off" problem={usernameProblem(username)} required />
          <Field
            label={m.theirPassword}
            type="password"
            value={password}
            onValue={setPassword}
            autocomplete="new-password"
            problem={passwordProblem(password)}
            required
          />
          <PasswordField id="admin-add-password" value={myPassword} onValue={setMyPassword} />
          <button type="submit" class="primary">
            {m.add}
          </button>
        </form>
      )}
      {removing && (
        <TypedConfirmDialog
          title={m.removeTitle(removing)}
          passwordId="admin-remove-password"
          typedId="admin-remove-confirm"
          typedLabel={t.dialogs.typeName(removing)}
          matches={(typed) => typed.trim() === removing}
          action={m.remove(removing)}
          busyText={t.dialogs.removing}
          testId="confirm-admin-remove"
          onClose={() => setRemoving(null)}
          onConfirm={async (_typed, pw) => {
            await api('DELETE', `/admins/${seg(removing)}`, { password: pw });
            setRemoving(null);
            load();
          }}
        >
          {m.removeText(removing)}
        </TypedConfirmDialog>
      )}
    </section>
  );
}
