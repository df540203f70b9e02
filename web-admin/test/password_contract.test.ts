// "A session is not a password" (DESIGN.md principle 12): picketd refuses
// every route marked x-picket-password in openapi.json without the acting
// admin's password in the body's "password". This reads the screens' calls
// to picketd (api('METHOD', path, body)) and checks that each call to such a
// route sends it, and that the UI offers every one of them, so a screen
// added or changed without the password fails here before the browser test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const openapi = JSON.parse(readFileSync(join(root, '..', 'controller', 'src', 'api', 'openapi.json'), 'utf8'));

// "POST /members/{}/devices": parameters are all alike here.
const normal = (method: string, path: string) => `${method} ${path.replace(/\{[^}]*\}/g, '{}').replace(/\?.*$/, '')}`;

const marked = new Set<string>();
for (const [path, operations] of Object.entries(openapi.paths as Record<string, Record<string, any>>))
  for (const [method, op] of Object.entries(operations))
    if (op && typeof op === 'object' && op['x-picket-password']) marked.add(normal(method.toUpperCase(), path.replace(/^\/api\/v1/, '')));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

// The text of one call's arguments: from after "(" to the matching ")",
// split at the top-level commas. Strings are skipped whole (a template's
// ${…} holds no call with a string of its own in these screens).
function callArguments(code: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  let quote = '';
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        args.push(code.slice(start, i).trim());
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push(code.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error('unbalanced call');
}

// What an expression stands for in its file: the nearest const of that
// name before the call, or for a name that is a property of a table
// (FLEETWIDE's path), every such value.
function resolve(code: string, expr: string, before: number): string[] {
  if (!/^\w+$/.test(expr)) return [expr];
  const declared = [...code.slice(0, before).matchAll(new RegExp(`const ${expr}(?::[^=]+)? = ([^;]+);`, 'g'))].at(-1);
  if (declared) return [declared[1].trim()];
  const table = [...code.matchAll(new RegExp(`\\b${expr}: ('[^']*')`, 'g'))].map((m) => m[1]);
  return table.length ? table : [expr];
}

// A path expression as a route: path(device) and ${path(device)} get the
// helper's template, ${name} a const template's, then every ${…} is a
// parameter.
function routeOf(code: string, expr: string, before: number): string {
  let text = expr;
  const helper = /const (\w+) = \(\w+(?:: \w+)?\) => `([^`]*)`;/.exec(code);
  if (helper) {
    text = text.replace(new RegExp(`^${helper[1]}\\([^)]*\\)$`), `\`${helper[2]}\``);
    text = text.replace(new RegExp(`\\$\\{${helper[1]}\\([^)]*\\)\\}`, 'g'), helper[2]);
  }
  text = text.replace(/\$\{(\w+)\}/g, (whole, name) => {
    const value = resolve(code, name, before)[0];
    return value.startsWith('`') ? value.slice(1, -1) : whole;
  });
  return text.replace(/^[`']|[`']$/g, '').replace(/\$\{[^}]*\}/g, '{}');
}

interface Call {
  file: string;
  route: string;
  body: string;
}

function calls(): Call[] {
  const out: Call[] = [];
  for (const file of sources(join(root, 'src'))) {
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\bapi(?:<[^>(]*(?:<[^>]*>)?[^>(]*>)?\(/g)) {
      const at = m.index!;
      const [method, path, body = ''] = callArguments(code, at + m[0].length - 1);
      if (!/^'[A-Z]+'$/.test(method)) continue; // the definition itself
      for (const expr of resolve(code, path, at))
        out.push({
          file: file.slice(root.length + 1),
          route: normal(method.slice(1, -1), routeOf(code, expr, at)),
          body: resolve(code, body, at).join(' '),
        });
    }
  }
  return out;
}

describe("the admin's password on the routes that widen access or destroy data", () => {
  const found = calls();

  it('is marked on the routes picketd documents', () => {
    expect(marked.size).toBeGreaterThanOrEqual(15);
    expect(marked).toContain('POST /members/{}/devices/{}/enable');
  });

  it('goes with every call the screens make to them', () => {
    const without = found.filter((c) => marked.has(c.route) && !/\bpassword\b/.test(c.body));
    expect(without.map((c) => `${c.file}: ${c.route}`)).toEqual([]);
  });

  it('is asked for by a screen for each of them', () => {
    const called = new Set(found.map((c) => c.route));
    expect([...marked].filter((route) => !called.has(route))).toEqual([]);
  });

  it("is not the new admin's: theirs goes as new_password", () => {
    const add = found.filter((c) => c.route === 'POST /admins');
    expect(add.length).toBe(1);
    expect(add[0].body).toMatch(/new_password:/);
  });

  it('is not asked for when cutting someone off', () => {
    const cutting = found.filter((c) => /\/(disable|disable-devices|revoke-devices)$/.test(c.route) || /^DELETE \/members\/\{\}\/devices\/\{\}$/.test(c.route));
    expect(cutting.length).toBeGreaterThanOrEqual(3);
    expect(cutting.filter((c) => /\bpassword\b/.test(c.body)).map((c) => `${c.file}: ${c.route}`)).toEqual([]);
  });
});
