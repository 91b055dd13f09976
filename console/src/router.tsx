import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A few lines of history-API routing instead of a router library: the console has a handful of
// pages under /console/, each matched by a pattern such as `/keys/:id`.

export const BASE = '/console';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The path inside the console (`/keys?status=ACTIVE` → `/keys`), and its query. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => location.pathname + location.search);
  const url = new URL(href, location.origin);
  const path = url.pathname.slice(BASE.length) || '/';
  return { path, query: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = BASE + to;
  if (target === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  notify();
}

/** `/keys/:id` against `/keys/key_123` → `{ id: 'key_123' }`; null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(have[i]!);
    else if (part !== have[i]) return null;
  }
  return params;
}

/** An in-console link: a real `<a href>` (open in a new tab works), navigated without a reload. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to} onClick={handle} {...rest} />;
}

/** Sets the document title (and so what a screen reader announces on navigation). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Keywarden`;
  }, [title]);
}
