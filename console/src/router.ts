import { useEffect, useState } from 'preact/hooks';

// Views live in the URL's fragment (#/traces/<id>?...), so every view has a link that survives a
// reload and needs nothing from the server beyond index.html.
export interface Location {
  view: string;
  rest: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Location {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [view = 'overview', ...rest] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { view, rest, params: new URLSearchParams(search) };
}

export function href(
  view: string,
  rest: string[] = [],
  params: Record<string, string | undefined> = {},
): string {
  const path = [view, ...rest].map(encodeURIComponent).join('/');
  const search = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

export function useLocation(): Location {
  const [location, setLocation] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    // The fragment may have changed between the first render and this listener.
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}
