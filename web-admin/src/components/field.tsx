// A labelled input: every control has a visible label (axe, and people).
import type { ComponentChildren, JSX } from 'preact';

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'label'> & {
  label: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
};

let counter = 0;
const nextId = () => `f${++counter}`;

export function Field({ label, hint, value, onValue, id, ...rest }: InputProps) {
  const inputId = (id as string) ?? nextId();
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <input
        id={inputId}
        value={value}
        onInput={(e) => onValue((e.target as HTMLInputElement).value)}
        aria-describedby={hintId}
        {...rest}
      />
      {hint && (
        <small id={hintId} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export function ErrorText({ text }: { text: string }) {
  if (!text) return null;
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

// A labelled multi-line input (lists: networks, servers, file paths).
export function TextArea({
  label,
  hint,
  value,
  onValue,
  id,
  rows = 3,
  placeholder,
}: {
  label: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
  id?: string;
  rows?: number;
  placeholder?: string;
}) {
  const areaId = id ?? nextId();
  const hintId = hint ? `${areaId}-hint` : undefined;
  return (
    <div class="field">
      <label for={areaId}>{label}</label>
      <textarea
        id={areaId}
        rows={rows}
        value={value}
        placeholder={placeholder}
        spellcheck={false}
        aria-describedby={hintId}
        onInput={(e) => onValue((e.target as HTMLTextAreaElement).value)}
      />
      {hint && (
        <small id={hintId} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

// A radio button with its words as the label.
export function Choice({
  name,
  value,
  current,
  onPick,
  children,
}: {
  name: string;
  value: string;
  current: string;
  onPick: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <label class="choice">
      <input type="radio" name={name} value={value} checked={current === value} onChange={() => onPick(value)} />{' '}
      {children}
    </label>
  );
}

export function Notice({ text }: { text: string }) {
  if (!text) return null;
  return (
    <p role="status" class="notice">
      {text}
    </p>
  );
}
