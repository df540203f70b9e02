import { useState } from 'preact/hooks';
import { errorText } from '../api';
import { ErrorText, Field } from '../components/field';
import { login, type Session } from '../session';

export function Login({ onLoggedIn, onSetup }: { onLoggedIn: (s: Session) => void; onSetup: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const second = recovery ? { recovery_code: code.trim() } : { totp: code.replace(/\s/g, '') };
      onLoggedIn(await login({ username, password, ...second }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="narrow">
      <h1>Picket admin</h1>
      <form onSubmit={submit} aria-label="Log in">
        <Field label="Username" value={username} onValue={setUsername} autocomplete="username" required />
        <Field label="Password" type="password" value={password} onValue={setPassword} autocomplete="current-password" required />
        <Field
          label={recovery ? 'Recovery code' : 'Code from your authenticator app'}
          value={code}
          onValue={setCode}
          inputMode={recovery ? 'text' : 'numeric'}
          autocomplete="one-time-code"
          required
        />
        <ErrorText text={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p>
        <button type="button" class="link" onClick={() => setRecovery(!recovery)}>
          {recovery ? 'Use my authenticator app instead' : 'Lost your phone? Use a recovery code'}
        </button>
      </p>
      <p>
        <button type="button" class="link" onClick={onSetup}>
          First run: set up the first admin with the setup token
        </button>
      </p>
    </main>
  );
}
