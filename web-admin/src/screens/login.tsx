import { useState } from 'preact/hooks';
import { CodeField } from '../components/code_field';
import { Field, Submit } from '../components/field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { login, secondFactor, type Session } from '../session';

// The login form: on its own page, or over a page whose session ended (then
// `username` is fixed to the admin who was logged in and onSetup is absent).
export function LoginForm({ onLoggedIn, username: fixed }: { onLoggedIn: (s: Session) => void; username?: string }) {
  const [username, setUsername] = useState(fixed ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const { busy, error, submit } = useAction();
  const m = t.login;

  const logIn = submit(async () => onLoggedIn(await login({ username, password, ...secondFactor(code, recovery) })));

  return (
    <>
      <form onSubmit={logIn} aria-label={m.formLabel}>
        <Field label={m.username} value={username} onValue={setUsername} autocomplete="username" required />
        <Field label={m.password} type="password" value={password} onValue={setPassword} autocomplete="current-password" required />
        <CodeField recovery={recovery} value={code} onValue={setCode} />
        <Submit error={error} busy={busy}>
          {busy ? m.busy : m.submit}
        </Submit>
      </form>
      <p>
        <button type="button" class="link" onClick={() => (setRecovery(!recovery), setCode(''))}>
          {recovery ? m.useApp : m.useRecovery}
        </button>
      </p>
    </>
  );
}

export function Login({ onLoggedIn, onSetup, why }: { onLoggedIn: (s: Session) => void; onSetup: () => void; why?: string }) {
  const m = t.login;
  return (
    <main class="narrow" aria-labelledby="login-title">
      <h1 id="login-title">{m.title}</h1>
      {why && (
        <p class="notice" role="status">
          {why}
        </p>
      )}
      <LoginForm onLoggedIn={onLoggedIn} />
      <p>
        <button type="button" class="link" onClick={onSetup}>
          {m.firstRun}
        </button>
      </p>
      <p class="muted">{m.lockedOut}</p>
    </main>
  );
}
