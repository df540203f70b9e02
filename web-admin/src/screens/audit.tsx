import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { ErrorText, SearchField } from '../components/field';
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

export function Audit() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ entries: Entry[]; total: number } | null>(null);
  const [error, setError] = useState('');

  usePoll(
    () => {
      const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
      if (search.trim()) query.set('q', search.trim());
      api<{ entries: Entry[]; total: number }>('GET', `/audit?${query}`).then(setData, (e) => setError(errorText(e)));
    },
    15000,
    [search, offset],
  );

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <p class="muted">Who changed what, and when. It names members by their labels only.</p>
      <div class="toolbar" role="search">
        <SearchField id="audit-search" label="Search the audit trail" value={search} onValue={(v) => (setSearch(v), setOffset(0))} />
      </div>
      <ErrorText text={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">To</th>
            </tr>
          </thead>
          <tbody>
            {data?.entries.map((e) => (
              <tr key={e.id}>
                <td>{dateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.total > PAGE && (
        <nav class="pager" aria-label="Audit pages">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
