// Where the page's JSON is: /status/:slug reads /public/status-pages/:slug; any other path (the root of a custom
// domain) reads /public/status-page, which the server answers by the request's Host. No API key, no cookie.
import type { PublicStatusPage } from './types.ts';

export function jsonPath(pathname: string): string {
  const m = /^\/status\/([^/]+)\/?$/.exec(pathname);
  return m?.[1] ? `/public/status-pages/${encodeURIComponent(decodeURIComponent(m[1]))}` : '/public/status-page';
}

/** `stale`: the last reload failed, so the page shown is the one before. */
export type Loaded = { page: PublicStatusPage; stale?: string } | { missing: true } | { failed: string };

export async function loadPage(path: string): Promise<Loaded> {
  let res: Response;
  try {
    // the server's Cache-Control (30 s) decides freshness; a poll within it may be answered from the cache
    res = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'omit' });
  } catch {
    return { failed: 'The status could not be loaded (network error). Retrying…' };
  }
  if (res.status === 404) return { missing: true };
  if (!res.ok) return { failed: `The status could not be loaded (HTTP ${res.status}). Retrying…` };
  return { page: (await res.json()) as PublicStatusPage };
}
