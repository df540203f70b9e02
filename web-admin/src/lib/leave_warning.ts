// While a secret is on the page that nobody can show again (a device's
// private key, an authenticator secret not yet confirmed), a reload or a
// closed tab asks first.
import { useEffect } from 'preact/hooks';

export function useLeaveWarning(active = true) {
  useEffect(() => {
    if (!active) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers need returnValue set; the text itself is the browser's.
      e.returnValue = '';
    };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [active]);
}
