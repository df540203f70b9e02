// Renders a component once to HTML in Node, for tests that look at what a
// screen shows. The suite has no DOM (and adds no dependency for one), so
// this walks the Preact tree itself: function components are called, hooks
// answer as on a first render (test files mock 'preact/hooks' with
// `firstRenderHooks`), and effects never run. Event handlers are dropped.
import type { ComponentChildren, VNode } from 'preact';

export const firstRenderHooks = {
  useMemo: <T>(make: () => T) => make(),
  useCallback: <T>(fn: T) => fn,
  useState: <T>(initial: T | (() => T)) => [typeof initial === 'function' ? (initial as () => T)() : initial, () => {}],
  useRef: <T>(current: T) => ({ current }),
  useEffect: () => {},
  useLayoutEffect: () => {},
  // No provider in a test: Preact keeps a context's default value as `__`.
  useContext: (context: { __: unknown }) => context.__,
};

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderHtml(node: ComponentChildren): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (Array.isArray(node)) return node.map(renderHtml).join('');
  if (typeof node !== 'object') return escape(String(node));
  const { type, props } = node as VNode<Record<string, unknown>>;
  // Fragment is a function component too: it returns its children.
  if (typeof type === 'function') return renderHtml((type as (p: unknown) => ComponentChildren)(props));
  const attributes = Object.entries(props)
    .filter(([name, value]) => name !== 'children' && value !== null && value !== undefined && value !== false)
    .filter(([, value]) => typeof value !== 'function')
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escape(String(value))}"`))
    .join('');
  return `<${type}${attributes}>${renderHtml(props.children as ComponentChildren)}</${type}>`;
}
