// Every member, also those without a device: how many devices each has, how
// many are on, when one last made a handshake (live, never stored), and the
// two things an organizer does to a member as a whole: cut them off (one
// click, one confirmation) and delete their record (name and password).
import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { ErrorText, Notice, SearchField } from '../components/field';
import { t } from '../i18n';
import { ago } from '../lib/format';
import { usePoll } from '../lib/poll';
import type { Member } from '../types';
import { MemberCutOffDialog, MemberRemoveDialog } from './device_dialogs';

const PAGE = 50;
const REFRESH_MS = 10000;

export interface MemberSummary extends Member {
  devices: number;
  devices_enabled: number;
  last_handshake: number;
}

export function Members() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ members: MemberSummary[]; total: number } | null>(null);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [cutting, setCutting] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const m = t.members;

  const load = (background = false) => {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (search.trim()) query.set('q', search.trim());
    api<{ members: MemberSummary[]; total: number }>('GET', `/members?${query}`, undefined, { background }).then(
      (d) => (setData(d), setNow(Date.now()), setError('')),
      (e) => setError(errorText(e)),
    );
  };
  usePoll(load, REFRESH_MS, [search, offset]);

  const done = (text: string) => {
    setMessage(text);
    setCutting(null);
    setRemoving(null);
    load();
  };

  return (
    <section aria-labelledby="members-title">
      <div class="heading-row">
        <h1 id="members-title">{m.title}</h1>
        <a class="button primary" href="#/add">
          {t.devices.add}
        </a>
      </div>
      <p class="muted">{m.intro}</p>
      <Notice text={message} testId="notice" />
      <div class="toolbar" role="search">
        <SearchField id="member-search" label={m.search} value={search} onValue={(v) => (setSearch(v), setOffset(0))} />
      </div>
      <ErrorText text={error} />
      <p class="count" aria-live="polite">
        {data === null ? t.common.loading : data.total === 0 ? m.none : m.count(data.total)}
      </p>
      <ul class="members">
        {data?.members.map((member) => (
          <li key={member.id} class="member" data-member={member.label}>
            <div class="who">
              <strong>{member.label}</strong>
              {member.note && <span class="muted">{member.note}</span>}
            </div>
            <div class="what muted">
              <a href={`#/devices?q=${encodeURIComponent(member.label)}`}>{m.devices(member.devices, member.devices_enabled)}</a>
              <span>{member.last_handshake ? m.lastActive(ago(member.last_handshake, now)) : m.noActivity}</span>
            </div>
            <div class="actions">
              <button
                type="button"
                class="danger-outline"
                disabled={member.devices_enabled === 0}
                onClick={() => setCutting(member.label)}
                aria-label={m.cutOff(member.label)}
              >
                {m.cutOffShort}
              </button>
              <button type="button" onClick={() => setRemoving(member.label)} aria-label={m.remove(member.label)}>
                {m.removeShort}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {data && data.total > PAGE && (
        <nav class="pager" aria-label={t.devices.pages}>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t.devices.previous}
          </button>
          <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
            {t.devices.next}
          </button>
        </nav>
      )}
      {cutting && <MemberCutOffDialog member={cutting} onClose={() => setCutting(null)} onDone={done} />}
      {removing && <MemberRemoveDialog member={removing} onClose={() => setRemoving(null)} onDone={done} />}
    </section>
  );
}
