// Session state and hash routing (#/devices, #/add, …): hash routes need
// nothing from picketd beyond serving index.html at /.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, whenSessionLost } from './api';
import { ConfigResult } from './components/config_result';
import { Dialog } from './components/dialog';
import { ErrorText } from './components/field';
import { LANGUAGES, setLang, t, useLang, type Lang } from './i18n';
import { currentSession, logout, type Session } from './session';
import { AddDevice } from './screens/add_device';
import { Admins } from './screens/admins';
import { Audit } from './screens/audit';
import { Devices } from './screens/devices';
import { Login, LoginForm } from './screens/login';
import { Members } from './screens/members';
import { Recover } from './screens/recover';
import { SettingsScreen } from './screens/settings';
import { Setup } from './screens/setup';
import { ShowConfigContext } from './screens/show_config';
import type { NewDeviceAnswer } from './types';

const NAV = ['devices', 'members', 'settings', 'admins', 'audit'] as const;

function routeOf(hash: string): string {
  return hash.replace(/^#\/?/, '').split('?')[0] || 'devices';
}

function useRoute(): [string, (r: string) => void] {
  const [route, setRoute] = useState(routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  // Setting the state too: after history.replaceState the hash may already
  // say where we go, and then no hashchange comes.
  return [route, (r) => ((location.hash = `#/${r}`), setRoute(r))];
}

export function LanguageSwitch() {
  const current = useLang();
  return (
    <label class="language">
      <span class="visually-hidden">{t.app.language}</span>
      <select value={current} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)} data-testid="language">
        {LANGUAGES.map((l) => (
          <option key={l.lang} value={l.lang} lang={l.lang}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function App() {
  useLang(); // every screen reads `t`; a new language redraws them all
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [route, go] = useRoute();
  const [fresh, setFresh] = useState<{ answer: NewDeviceAnswer; key: string } | null>(null);
  const [notice, setNotice] = useState('');
  const [startError, setStartError] = useState('');
  // The session ended under an open page: a login over it keeps what was typed.
  const [lost, setLost] = useState('');
  // After a panic wipe picketd is gone: only this page is left to show.
  const [wiped, setWiped] = useState<string | null>(null);

  useEffect(() => {
    // The first reason counts: later polls only find the session gone.
    whenSessionLost((why) => setLost((earlier) => earlier || why));
    currentSession().then(setSession, (err) => {
      // 401 is the normal "not logged in"; only trouble reaching picketd is worth saying.
      if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) setStartError(err.message);
      setSession(null);
    });
  }, []);

  // The page's title says where the admin is (tabs, history, screen readers).
  useEffect(() => {
    const titles = t.app.titles as Record<string, string>;
    const screen = !session ? (route === 'setup' ? titles.setup : route === 'recover' ? titles.recover : titles.login) : titles[route];
    document.title = screen ? `${screen} · Picket` : 'Picket';
  });

  // The fresh device's key lives on the config page only: any navigation
  // away (a nav link, the back button) forgets it, and the page goes there.
  useEffect(() => {
    if (fresh && route !== 'config') {
      setFresh(null);
      setNotice(t.config.forgotten(`${fresh.answer.member} · ${fresh.answer.label}`));
    }
  }, [route]);

  const showConfig = useCallback((answer: NewDeviceAnswer, key: string) => {
    setFresh({ answer, key });
    location.hash = '#/config';
  }, []);

  if (wiped !== null) {
    return (
      <main class="narrow" aria-labelledby="wiped-title">
        <h1 id="wiped-title">{t.settings.wipedTitle}</h1>
        <p role="status">{t.settings.wipedText}</p>
        <ErrorText text={wiped} />
      </main>
    );
  }
  if (session === undefined) return <p class="narrow">{t.common.loading}</p>;
  if (session === null) {
    const loggedIn = (s: Session) => (setSession(s), setLost(''), go('devices'));
    let page;
    if (route === 'setup') page = <Setup onLoggedIn={loggedIn} onCancel={() => go('devices')} />;
    else if (route === 'recover') page = <Recover onLoggedIn={loggedIn} onLogin={() => go('devices')} />;
    else page = <Login onLoggedIn={(s) => (setSession(s), setLost(''))} onSetup={() => go('setup')} why={lost} />;
    return (
      <>
        <header class="top">
          <span class="brand">Picket</span>
          <LanguageSwitch />
        </header>
        {startError && (
          <p class="error narrow" role="alert">
            {startError}
          </p>
        )}
        {page}
      </>
    );
  }

  let page;
  if (route === 'config' && fresh) {
    page = (
      <ConfigResult
        answer={fresh.answer}
        privateKey={fresh.key}
        onDone={() => {
          setNotice(t.config.added(`${fresh.answer.member} · ${fresh.answer.label}`));
          setFresh(null);
          go('devices');
        }}
      />
    );
  } else if (route === 'add') page = <AddDevice onCancel={() => go('devices')} />;
  else if (route === 'members') page = <Members />;
  else if (route === 'settings') page = <SettingsScreen onWiped={setWiped} />;
  else if (route === 'admins') page = <Admins me={session.admin.username} />;
  else if (route === 'audit') page = <Audit />;
  else page = <Devices onAdd={() => go('add')} notice={notice} key={notice} />;

  const signOut = () =>
    logout().finally(() => {
      // Nothing of the last admin's work stays on the page for the next one.
      setNotice('');
      setFresh(null);
      setSession(null);
    });

  return (
    <ShowConfigContext.Provider value={showConfig}>
      <header class="top">
        <span class="brand">Picket</span>
        <nav aria-label={t.app.mainNav}>
          {NAV.map((r) => (
            <a key={r} href={`#/${r}`} aria-current={route === r ? 'page' : undefined}>
              {t.app.titles[r]}
            </a>
          ))}
        </nav>
        <LanguageSwitch />
        <button type="button" class="link" onClick={signOut}>
          {t.app.logOut(session.admin.username)}
        </button>
      </header>
      <main>{page}</main>
      {lost && (
        <Dialog title={t.app.sessionEnded} onClose={() => (setLost(''), setSession(null))}>
          <p class="notice" role="status" data-testid="session-ended">
            {lost} {t.app.keptTyping}
          </p>
          <LoginForm username={session.admin.username} onLoggedIn={(s) => (setSession(s), setLost(''))} />
        </Dialog>
      )}
    </ShowConfigContext.Provider>
  );
}
