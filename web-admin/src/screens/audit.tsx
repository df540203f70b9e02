import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { ErrorText, Field, Notice, SearchField } from '../components/field';
import { needPassword, PasswordField } from '../components/password_field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { dateTime } from '../lib/format';
import { usePoll } from '../lib/poll';

interface Entry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
}

const PAGE = 50;

// picketd records actions as stable ids (device.revoke); people read words.
export function actionWords(action: string): string {
  const words = t.audit.actions as Record<string, string>;
  return words[action] ?? action;
}

export function Audit() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ entries: Entry[]; total: number } | null>(null);
  const [error, setError] = useState('');
  const m = t.audit;

  usePoll(
    (background) => {
      const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
      if (search.trim()) query.set('q', search.trim());
      api<{ entries: Entry[]; total: number }>('GET', `/audit?${query}`, undefined, { background }).then(setData, (e) =>
        setError(errorText(e)),
      );
    },
    15000,
    [search, offset],
  );

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{m.title}</h1>
      <p class="muted">{m.intro}</p>
      <div class="toolbar" role="search">
        <SearchField id="audit-search" label={m.search} value={search} onValue={(v) => (setSearch(v), setOffset(0))} />
      </div>
      <ErrorText text={error} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label={m.tableLabel}>
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">{m.when}</th>
              <th scope="col">{m.who}</th>
              <th scope="col">{m.what}</th>
              <th scope="col">{m.to}</th>
            </tr>
          </thead>
          <tbody>
            {data?.entries.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{dateTime(e.at)}</td>
                <td>{e.actor === 'root' ? m.root : e.actor}</td>
                <td>{actionWords(e.action)}</td>
                <td>{e.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.total > PAGE && (
        <nav class="pager" aria-label={m.pages}>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {m.newer}
          </button>
          <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
            {m.older}
          </button>
        </nav>
      )}
      <Retention />
    </section>
  );
}

// How long the trail keeps entries. A shorter time deletes older entries at
// once, so it asks for the admin's password like every change that destroys data.
function Retention() {
  const [current, setCurrent] = useState<number | null>(null);
  const [days, setDays] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, message, setMessage, submit } = useAction();
  const m = t.audit;

  const show = (value: number) => {
    setCurrent(value);
    setDays(String(value));
  };
  useEffect(() => {
    api<{ retention_days: number }>('GET', '/audit/settings').then(
      (r) => show(r.retention_days),
      (e) => setError(errorText(e)),
    );
  }, []);

  const number = Number(days);
  const problem = days.trim() !== '' && !(Number.isInteger(number) && number >= 1 && number <= 3650) ? m.retentionRange : null;

  const save = submit(async () => {
    if (problem || days.trim() === '') throw new Error(m.retentionRange);
    const body = { retention_days: number, password: needPassword(password) };
    const r = await api<{ retention_days: number }>('PUT', '/audit/settings', body);
    setPassword('');
    show(r.retention_days);
    setMessage(m.retentionSaved(r.retention_days));
  });

  return (
    <form onSubmit={save} aria-label={m.retentionForm} class="card narrow">
      <h2>{m.retentionTitle}</h2>
      <Field
        id="audit-retention"
        label={m.retentionDays}
        type="number"
        min={1}
        max={3650}
        inputMode="numeric"
        value={days}
        onValue={setDays}
        hint={current === null ? undefined : m.retentionHint(current)}
        problem={problem}
        required
      />
      <PasswordField id="audit-retention-password" value={password} onValue={setPassword} />
      <ErrorText text={error} />
      <Notice text={message} />
      <button type="submit" class="primary" disabled={busy || current === null}>
        {m.retentionSave}
      </button>
    </form>
  );
}
