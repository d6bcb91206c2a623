// The page's side of the launch token (DESIGN.md §8). `streamlab start` prints a URL with ?token=…;
// the first page keeps it in a session cookie (named per port, so two launches on one host do not
// mix) and removes it from the address bar. API calls and WebSockets then pass it explicitly: the
// server never accepts the cookie itself, only the token the page sends.
import { refusedHeader, tokenHeader } from '../shared/protocol.ts';

const cookieName = `streamlab_token_${location.port || '80'}`;
let cached: string | null | undefined;

/** The launch token of this page, or null when the page was not opened from the printed link. */
function launchToken(): string | null {
  if (cached !== undefined) return cached;
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    document.cookie = `${cookieName}=${encodeURIComponent(fromUrl)}; path=/; SameSite=Strict`;
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url);
    cached = fromUrl;
    return cached;
  }
  const entry = document.cookie.split('; ').find((c) => c.startsWith(`${cookieName}=`));
  cached = entry ? decodeURIComponent(entry.slice(cookieName.length + 1)) : null;
  return cached;
}

/** Shows the "open the printed link" banner (the server refused this page's token). */
export function showTokenProblem(): void {
  document.getElementById('token-banner')?.removeAttribute('hidden');
}

/** POSTs to an API route with the token. Every API call is a POST so that browsers always send the
 *  Origin header the server checks. Throws an Error with the server's message when not ok. */
export async function callApi(path: string, body: unknown = {}): Promise<Response> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [tokenHeader]: launchToken() ?? '' },
    body: JSON.stringify(body),
  });
  if (response.ok) return response;
  if (response.headers.has(refusedHeader)) showTokenProblem();
  const text = await response.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // Not JSON: keep the text as it is.
  }
  throw new Error(message || `${response.status} ${response.statusText}`);
}

export async function apiJson<T>(path: string, body?: unknown): Promise<T> {
  return (await (await callApi(path, body)).json()) as T;
}

/** A WebSocket URL on this server with the launch token added to `params`. */
export function socketUrl(path: string, params: Record<string, string>): string {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  url.searchParams.set('token', launchToken() ?? '');
  return url.href;
}
