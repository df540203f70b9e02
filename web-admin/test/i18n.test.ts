// Spanish is complete: every text of the English catalog has a Spanish one
// that differs from it, and no screen writes visible words outside the
// catalogs (which is what would leave English on a Spanish page).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { es } from '../src/i18n/es';

// Words that are the same in both languages.
const SAME = new Set(['Picket', 'DNS', 'Email', 'Audit', 'Total', 'No', 'Error']);

// Leaves of a catalog: strings, and functions called with sample arguments.
function leaves(catalog: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else if (typeof value === 'function') {
      const args = Array.from({ length: value.length }, (_, i) => (i % 2 === 0 ? 2 : 'x'));
      // Functions whose first argument is a name or text get a word, numbers get numbers.
      const text = String(value(...args.map((a, i) => (i === 0 ? 2 : a))));
      out.set(path, text);
      out.set(`${path}(one)`, String(value(...args.map((a, i) => (i === 0 ? 1 : a)))));
      out.set(`${path}(text)`, String(value(...args.map(() => 'x'))));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of leaves(value, path)) out.set(k, v);
    }
  }
  return out;
}

describe('the Spanish catalog', () => {
  const english = leaves(en);
  const spanish = leaves(es);

  it('has every text the English one has, and no other', () => {
    expect([...spanish.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('leaves no text in English', () => {
    const untranslated = [...english].filter(([key, text]) => spanish.get(key) === text && !SAME.has(text));
    expect(untranslated).toEqual([]);
  });

  it('keeps every placeholder of the English text', () => {
    // A number or name passed in must show in both (e.g. the wait time).
    for (const [key, text] of english) {
      const numbers = text.match(/\b2\b/g)?.length ?? 0;
      if (numbers > 0) expect(spanish.get(key)!.match(/\b2\b/g)?.length ?? 0, key).toBeGreaterThan(0);
    }
  });
});

// Visible text in the screens must come from the catalogs: JSX text, and
// the attributes people read or hear (label, hint, aria-label, title,
// placeholder), except technical examples (addresses, paths).
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path);
    return path.endsWith('.tsx') ? [path] : [];
  });
}

const technical = (text: string) => /^[\w.:/@#-]+$/.test(text) && /[./:@]/.test(text);

describe('the screens', () => {
  it('write no visible words outside the catalogs', () => {
    const found: string[] = [];
    for (const file of sources(join(__dirname, '..', 'src'))) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\/.*$/gm, '')
        .replace(/\/\*[\s\S]*?\*\//g, '');
      // Text between a tag's end and the next tag or expression.
      // (A single word right before `<x` is a generic type, Promise<void>.)
      for (const m of code.matchAll(/>([^<>{}]*[A-Za-zÀ-ÿ]{2,}[^<>{}]*)<(.)/g)) {
        const text = m[1].trim();
        const generic = m[2] !== '/' && !/\s/.test(text);
        if (text && !generic && !SAME.has(text) && !/^(=>|&&|\|\||\?|:)/.test(text) && !/[=;()]/.test(text))
          found.push(`${file}: ${text}`);
      }
      for (const m of code.matchAll(/\b(label|hint|aria-label|title|placeholder|typedLabel|busyText|action)="([^"]*)"/g)) {
        if (/[A-Za-z]{2,}/.test(m[2]) && !technical(m[2])) found.push(`${file}: ${m[1]}="${m[2]}"`);
      }
    }
    expect(found).toEqual([]);
  });
});
