import { useEffect, useState } from 'preact/hooks';
import { api, errorText, seg } from '../api';
import { ErrorText, Field } from '../components/field';
import { QrCode } from '../components/qr_code';
import { useAction } from '../lib/action';
import { dateTime } from '../lib/format';
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
  const [enrolled, setEnrolled] = useState<Enrollment | null>(null);
  const { error, setError, run, submit } = useAction();

  const load = () => api<{ admins: Admin[] }>('GET', '/admins').then((r) => setAdmins(r.admins), (e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);

  const add = submit(async () => {
    setEnrolled(await api<Enrollment>('POST', '/admins', { username, password }));
    setUsername('');
    setPassword('');
    load();
  });

  function remove(name: string) {
    if (!confirm(`Remove admin ${name}? Their sessions end at once.`)) return;
    run(async () => {
      await api('DELETE', `/admins/${seg(name)}`);
      load();
    });
  }

  return (
    <section aria-labelledby="admins-title" class="narrow">
      <h1 id="admins-title">Admins</h1>
      <ErrorText text={error} />
      <ul class="plain">
        {admins.map((a) => (
          <li key={a.id} class="admin-row">
            <span>
              <strong>{a.username}</strong> <span class="muted">since {dateTime(a.created_at)}, {a.recovery_codes_left} recovery codes left</span>
            </span>
            {a.username !== me && (
              <button type="button" class="danger" onClick={() => remove(a.username)} aria-label={`Remove admin ${a.username}`}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {enrolled ? (
        <div>
          <h2>Give this to {enrolled.admin.username} in person</h2>
          <QrCode text={enrolled.otpauth_uri} label={`Authenticator QR code for ${enrolled.admin.username}`} />
          <p>
            Secret: <code>{enrolled.totp_secret}</code>
          </p>
          <p>Recovery codes: {enrolled.recovery_codes.map((c) => <code key={c}>{c} </code>)}</p>
          <button type="button" onClick={() => setEnrolled(null)}>
            Done, hide it
          </button>
        </div>
      ) : (
        <form onSubmit={add} aria-label="Add an admin">
          <h2>Add an admin</h2>
          <Field label="Username" value={username} onValue={setUsername} autocomplete="off" required />
          <Field label="Password for them" type="password" value={password} onValue={setPassword} autocomplete="new-password" required />
          <button type="submit" class="primary">
            Add admin
          </button>
        </form>
      )}
    </section>
  );
}
