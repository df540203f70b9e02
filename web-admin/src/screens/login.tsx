import { useState } from 'preact/hooks';
import { CodeField } from '../components/code_field';
import { Field, Submit } from '../components/field';
import { useAction } from '../lib/action';
import { login, secondFactor, type Session } from '../session';

export function Login({ onLoggedIn, onSetup }: { onLoggedIn: (s: Session) => void; onSetup: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const { busy, error, submit } = useAction();

  const logIn = submit(async () => onLoggedIn(await login({ username, password, ...secondFactor(code, recovery) })));

  return (
    <main class="narrow">
      <h1>Picket admin</h1>
      <form onSubmit={logIn} aria-label="Log in">
        <Field label="Username" value={username} onValue={setUsername} autocomplete="username" required />
        <Field label="Password" type="password" value={password} onValue={setPassword} autocomplete="current-password" required />
        <CodeField recovery={recovery} value={code} onValue={setCode} />
        <Submit error={error} busy={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </Submit>
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
