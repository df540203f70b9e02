// A modal on the native <dialog>: focus stays inside, Escape closes it,
// and the page behind is inert, with no code of ours for any of that.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { ErrorText, VerbatimField } from './field';
import { PasswordField } from './password_field';

export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) {
      dialog.showModal();
      // Start at the title, not at the first field (which may sit half-way
      // down a phone's screen).
      dialog.querySelector<HTMLElement>('h2')?.focus();
      dialog.scrollTop = 0;
    }
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    dialog.addEventListener('cancel', cancel);
    return () => dialog.removeEventListener('cancel', cancel);
  }, [onClose]);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title">
      <h2 id="dialog-title" tabIndex={-1}>
        {title}
      </h2>
      {children}
    </dialog>
  );
}

// A confirmation's dangerous button: its words, its words while it runs, its test id.
interface ButtonWords {
  action: string;
  busyText: string;
  testId: string;
  // Switching something back on is not dangerous in looks, only in effect.
  kind?: 'danger' | 'primary';
}

// The end of every confirmation: why it failed, Cancel, and the dangerous
// button. Without onConfirm the button submits the dialog's form.
export function ConfirmButtons({
  error,
  busy,
  ready = true,
  action,
  busyText,
  testId,
  kind = 'danger',
  onCancel,
  onConfirm,
}: ButtonWords & {
  error: string;
  busy: boolean;
  ready?: boolean;
  onCancel: () => void;
  onConfirm?: () => void;
}) {
  return (
    <>
      <ErrorText text={error} />
      <div class="button-row">
        <button type="button" onClick={onCancel}>
          {t.common.cancel}
        </button>
        <button
          type={onConfirm ? 'button' : 'submit'}
          class={kind}
          onClick={onConfirm}
          disabled={!ready || busy}
          data-testid={testId}
        >
          {busy ? busyText : action}
        </button>
      </div>
    </>
  );
}

// Something that cannot be undone, behind words typed again (and for the
// fleet-wide actions the admin's password). picketd checks both; here they
// only keep the button off until they are there.
export function TypedConfirmDialog({
  title,
  formLabel = title,
  passwordId,
  typedId,
  typedLabel,
  matches,
  onClose,
  onConfirm,
  children,
  ...button
}: ButtonWords & {
  title: string;
  formLabel?: string;
  passwordId?: string;
  typedId: string;
  typedLabel: string;
  matches: (typed: string) => boolean;
  onClose: () => void;
  onConfirm: (typed: string, password: string) => Promise<void>;
  children: ComponentChildren;
}) {
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const { busy, error, submit } = useAction();
  const ready = matches(typed) && (passwordId === undefined || password !== '');
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit(() => ready && onConfirm(typed, password))} aria-label={formLabel}>
        <p>{children}</p>
        {passwordId && <PasswordField id={passwordId} value={password} onValue={setPassword} />}
        <VerbatimField id={typedId} label={typedLabel} value={typed} onValue={setTyped} required />
        <ConfirmButtons {...button} error={error} busy={busy} ready={ready} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

// A change that widens access behind one confirmation and the admin's
// password (switching a device back on): no typed words, as nothing is lost.
export function PasswordConfirmDialog({
  title,
  passwordId,
  onClose,
  onConfirm,
  children,
  ...button
}: ButtonWords & {
  title: string;
  passwordId: string;
  onClose: () => void;
  onConfirm: (password: string) => Promise<void>;
  children: ComponentChildren;
}) {
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useAction();
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit(() => password !== '' && onConfirm(password))} aria-label={title}>
        <p>{children}</p>
        <PasswordField id={passwordId} value={password} onValue={setPassword} />
        <ConfirmButtons {...button} error={error} busy={busy} ready={password !== ''} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
