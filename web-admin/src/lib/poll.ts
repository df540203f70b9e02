// Re-runs a load every few seconds while the tab is visible, so the list
// stays live without a reload and a hidden tab costs picketd nothing. The
// load learns whether a person asked for it (first run, a changed filter)
// or the timer did: timer runs go out as background reads, which do not
// keep the session alive.
import { useEffect, useRef } from 'preact/hooks';

export function usePoll(load: (background: boolean) => void, intervalMs: number, deps: unknown[]) {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    latest.current(false);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') latest.current(true);
    }, intervalMs);
    const onVisible = () => document.visibilityState === 'visible' && latest.current(true);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, deps);
}
