// First run: the one-time setup token (printed by picketd at first start and
// by `picket admin setup-url`) makes the first admin, who then enrols an
// authenticator app and logs in with its first code.
import { useState } from 'preact/hooks';
import { CodeField } from '../components/code_field';
import { Field, Submit, VerbatimField } from '../components/field';
import { QrCode } from '../components/qr_code';
import { useAction } from '../lib/action';
import { login, secondFactor, setup, type Enrollment, type Session } from '../session';

function tokenFromUrl(): string {
  const match = /[?&]token=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : '';
}

export function Setup({ onLoggedIn, onCancel }: { onLoggedIn: (s: Session) => void; onCancel: () => void }) {
  const [token, setToken] = useState(tokenFromUrl);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, submit } = useAction();

  const create = submit(async () => {
    setEnrollment(await setup({ setup_token: token.trim(), username, password }));
    // The token is spent; keep it out of the address bar and history.
    history.replaceState(null, '', '#/setup');
  });

  const confirm = submit(async () => onLoggedIn(await login({ username, password, ...secondFactor(code) })));

  if (enrollment) {
    return (
      <main class="narrow">
        <h1>Second factor</h1>
        <p>
          Scan this code with an authenticator app (for example Aegis, FreeOTP or Google Authenticator). It is shown
          only now.
        </p>
        <QrCode text={enrollment.otpauth_uri} label="QR code for your authenticator app" />
        <p>
          Or type the secret by hand: <code data-testid="totp-secret">{enrollment.totp_secret}</code>
        </p>
        <h2>Recovery codes</h2>
        <p>Each works once, instead of a code from the app. Write them down and keep them away from your phone.</p>
        <ul class="codes" data-testid="recovery-codes">
          {enrollment.recovery_codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <form onSubmit={confirm} aria-label="Confirm the authenticator app">
          <CodeField value={code} onValue={setCode} />
          <Submit error={error} busy={busy}>
            Log in
          </Submit>
        </form>
      </main>
    );
  }

  return (
    <main class="narrow">
      <h1>Set up Picket</h1>
      <p>
        The setup token is printed by picketd when it first starts; <code>picket admin setup-url</code> on the server
        prints it again.
      </p>
      <form onSubmit={create} aria-label="Create the first admin">
        <VerbatimField label="Setup token" value={token} onValue={setToken} required />
        <Field label="Your admin username" value={username} onValue={setUsername} autocomplete="username" required />
        <Field
          label="Password"
          type="password"
          value={password}
          onValue={setPassword}
          autocomplete="new-password"
          hint="A long passphrase of several unrelated words works best."
          required
        />
        <Submit error={error} busy={busy}>
          Create admin
        </Submit>
      </form>
      <p>
        <button type="button" class="link" onClick={onCancel}>
          Back to log in
        </button>
      </p>
    </main>
  );
}
