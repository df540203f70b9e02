// Session state and hash routing (#/devices, #/add, …): hash routes need
// nothing from picketd beyond serving index.html at /.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, whenSessionLost } from './api';
import { ConfigResult } from './components/config_result';
import { ErrorText } from './components/field';
import { currentSession, logout, type Session } from './session';
import { AddDevice } from './screens/add_device';
import { Admins } from './screens/admins';
import { Audit } from './screens/audit';
import { Devices } from './screens/devices';
import { Login } from './screens/login';
import { SettingsScreen } from './screens/settings';
import { Setup } from './screens/setup';
import { ShowConfigContext } from './screens/show_config';
import type { NewDeviceAnswer } from './types';

const ROUTES = [
  ['devices', 'Devices'],
  ['settings', 'Settings'],
  ['admins', 'Admins'],
  ['audit', 'Audit trail'],
] as const;

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
  return [route, (r) => (location.hash = `#/${r}`)];
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [route, go] = useRoute();
  const [fresh, setFresh] = useState<{ answer: NewDeviceAnswer; key: string } | null>(null);
  const [notice, setNotice] = useState('');
  const [startError, setStartError] = useState('');
  // After a panic wipe picketd is gone: only this page is left to show.
  const [wiped, setWiped] = useState<string | null>(null);

  useEffect(() => {
    whenSessionLost(() => setSession(null));
    currentSession().then(setSession, (err) => {
      // 401 is the normal "not logged in"; only trouble reaching picketd is worth saying.
      if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) setStartError(err.message);
      setSession(null);
    });
  }, []);

  const showConfig = useCallback((answer: NewDeviceAnswer, key: string) => setFresh({ answer, key }), []);

  if (wiped !== null) {
    return (
      <main class="narrow" aria-labelledby="wiped-title">
        <h1 id="wiped-title">Wiped</h1>
        <p role="status">
          Every member is cut off; the interface, the firewall table, the database and the gateway key are gone, and
          picketd is stopping. Close this tab.
        </p>
        <ErrorText text={wiped} />
      </main>
    );
  }
  if (session === undefined) return <p class="narrow">Loading…</p>;
  if (session === null) {
    if (route === 'setup') return <Setup onLoggedIn={(s) => (setSession(s), go('devices'))} onCancel={() => go('devices')} />;
    return (
      <>
        {startError && <p class="error narrow" role="alert">{startError}</p>}
        <Login onLoggedIn={setSession} onSetup={() => go('setup')} />
      </>
    );
  }

  let page;
  if (fresh) {
    page = (
      <ConfigResult
        answer={fresh.answer}
        privateKey={fresh.key}
        onDone={() => {
          setNotice(`${fresh.answer.member} · ${fresh.answer.label} was added. Its private key is gone from this page.`);
          setFresh(null);
          go('devices');
        }}
      />
    );
  } else if (route === 'add') page = <AddDevice onCancel={() => go('devices')} />;
  else if (route === 'settings') page = <SettingsScreen onWiped={setWiped} />;
  else if (route === 'admins') page = <Admins me={session.admin.username} />;
  else if (route === 'audit') page = <Audit />;
  else page = <Devices onAdd={() => go('add')} notice={notice} key={notice} />;

  return (
    <ShowConfigContext.Provider value={showConfig}>
      <header class="top">
        <span class="brand">Picket</span>
        <nav aria-label="Main">
          {ROUTES.map(([r, text]) => (
            <a key={r} href={`#/${r}`} aria-current={route === r ? 'page' : undefined}>
              {text}
            </a>
          ))}
        </nav>
        <button type="button" class="link" onClick={() => logout().finally(() => setSession(null))}>
          Log out {session.admin.username}
        </button>
      </header>
      <main>{page}</main>
    </ShowConfigContext.Provider>
  );
}
