// When a device's access ends. Choices in words; "a date" for anything else.
import { useState } from 'preact/hooks';
import { t } from '../i18n';

const CHOICES: [string, number][] = [
  ['never', 0],
  ['1d', 86400],
  ['7d', 7 * 86400],
  ['30d', 30 * 86400],
  ['90d', 90 * 86400],
  ['date', 0],
];

// null = never expires
export function expiresAt(choice: string, date: string, nowMs = Date.now()): number | null {
  if (choice === 'never') return null;
  if (choice === 'date') {
    const ms = new Date(date).getTime();
    if (!date || Number.isNaN(ms)) throw new Error(t.expiry.pickDate);
    if (ms <= nowMs) throw new Error(t.expiry.inFuture);
    return Math.floor(ms / 1000);
  }
  const seconds = CHOICES.find(([key]) => key === choice)?.[1] ?? 0;
  return Math.floor(nowMs / 1000) + seconds;
}

export function useExpiry() {
  const [choice, setChoice] = useState('never');
  const [date, setDate] = useState('');
  return { choice, setChoice, date, setDate, value: () => expiresAt(choice, date) };
}

export function ExpiryPicker({ state, id }: { state: ReturnType<typeof useExpiry>; id: string }) {
  return (
    <div class="field">
      <label for={id}>{t.expiry.label}</label>
      <select id={id} value={state.choice} onChange={(e) => state.setChoice((e.target as HTMLSelectElement).value)}>
        {CHOICES.map(([key]) => (
          <option key={key} value={key}>
            {t.expiry.choices[key as keyof typeof t.expiry.choices]}
          </option>
        ))}
      </select>
      {state.choice === 'date' && (
        <>
          <label for={`${id}-date`}>{t.expiry.date}</label>
          <input
            id={`${id}-date`}
            type="datetime-local"
            value={state.date}
            onInput={(e) => state.setDate((e.target as HTMLInputElement).value)}
          />
        </>
      )}
    </div>
  );
}
