// First run: the one-time setup token (printed by picketd at first start and
// by `picket admin setup-url`) shows the first admin's authenticator secret;
// a code from the app then creates the admin and logs in. Until that code,
// nothing is stored and the link keeps working (a reload loses nothing:
// the same name and password show the same secret again).
import { useState } from 'preact/hooks';
import { EnrolmentView } from '../components/enrolment';
import { Field, Submit, VerbatimField } from '../components/field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { passwordProblem, usernameProblem } from '../lib/validate';
import { confirmSetup, setup, type Enrollment, type Session } from '../session';

export function tokenFromUrl(): string {
  const match = /[?&]token=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : '';
}

export function Setup({ onLoggedIn, onCancel }: { onLoggedIn: (s: Session) => void; onCancel: () => void }) {
  const [token, setToken] = useState(tokenFromUrl);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const { busy, error, submit } = useAction();
  const m = t.setup;

  const create = submit(async () => setEnrollment(await setup({ setup_token: token.trim(), username, password })));

  const done = (session: Session) => {
    // The token is spent now; keep it out of the address bar and history.
    history.replaceState(null, '', '#/devices');
    onLoggedIn(session);
  };

  if (enrollment) {
    return (
      <main class="narrow" aria-labelledby="enrol-title">
        <EnrolmentView enrollment={enrollment} confirm={(code) => confirmSetup(token.trim(), code)} onLoggedIn={done} />
      </main>
    );
  }

  return (
    <main class="narrow" aria-labelledby="setup-title">
      <h1 id="setup-title">{m.title}</h1>
      <p>{m.intro}</p>
      <form onSubmit={create} aria-label={m.formLabel}>
        <VerbatimField label={m.token} value={token} onValue={setToken} required />
        <Field
          label={m.username}
          value={username}
          onValue={setUsername}
          autocomplete="username"
          hint={m.usernameHint}
          problem={usernameProblem(username)}
          required
        />
        <Field
          label={m.password}
          type="password"
          value={password}
          onValue={setPassword}
          autocomplete="new-password"
          hint={m.passwordHint}
          problem={passwordProblem(password)}
          required
        />
        <Submit error={error} busy={busy}>
          {m.submit}
        </Submit>
      </form>
      <p>
        <button type="button" class="link" onClick={onCancel}>
          {m.back}
        </button>
      </p>
    </main>
  );
}
