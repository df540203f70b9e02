// Re-runs a load every few seconds while the tab is visible, so the list
// stays live without a reload and a hidden tab costs picketd nothing.
import { useEffect, useRef } from 'preact/hooks';

export function usePoll(load: () => void, intervalMs: number, deps: unknown[]) {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    latest.current();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') latest.current();
    }, intervalMs);
    const onVisible = () => document.visibilityState === 'visible' && latest.current();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, deps);
}
