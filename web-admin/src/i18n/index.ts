// The page's words, in the admin's language. Catalogs are TypeScript
// objects of strings and small functions (plurals and word order differ by
// language), so a missing Spanish text is a compile error and
// test/i18n.test.ts checks that none is left in English. The choice is
// remembered in localStorage (nothing about it reaches picketd).
import { useEffect, useState } from 'preact/hooks';
import { en, type Messages } from './en';
import { es } from './es';

export type Lang = 'en' | 'es';
export const LANGUAGES: { lang: Lang; name: string; messages: Messages }[] = [
  { lang: 'en', name: 'English', messages: en },
  { lang: 'es', name: 'Español', messages: es },
];
const STORAGE_KEY = 'picket.lang';

function stored(): Lang | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value === 'en' || value === 'es' ? value : null;
  } catch {
    return null; // storage off (private mode, tests): the browser's language decides
  }
}

function initial(): Lang {
  const saved = stored();
  if (saved) return saved;
  const browser = globalThis.navigator?.language ?? 'en';
  return browser.toLowerCase().startsWith('es') ? 'es' : 'en';
}

let current: Lang = initial();
// The words of the current language. A live binding: after setLang() every
// module that imported `t` reads the new catalog at its next render.
export let t: Messages = messagesOf(current);
const listeners = new Set<() => void>();

function messagesOf(lang: Lang): Messages {
  return LANGUAGES.find((l) => l.lang === lang)!.messages;
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang) {
  current = next;
  t = messagesOf(next);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered; still switched for this page.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

// Re-renders the caller (the app's root) when the language changes.
export function useLang(): Lang {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return current;
}

if (typeof document !== 'undefined') document.documentElement.lang = current;
