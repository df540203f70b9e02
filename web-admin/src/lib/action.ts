// What every form and dialog does around a request to picketd: its buttons
// are off while it runs, the last error and message go away when it starts,
// and a failure is shown in words.
import { useState } from 'preact/hooks';
import { errorText } from '../api';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');

  async function run(action: () => unknown) {
    setBusy(true);
    setError('');
    setMessage('');
    try {
      await action();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  // A form's onSubmit: the page stays where it is and runs the action instead.
  const submit = (action: () => unknown) => (e: Event) => {
    e.preventDefault();
    run(action);
  };

  return { busy, error, setError, message, setMessage, run, submit };
}
