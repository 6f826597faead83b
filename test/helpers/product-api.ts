// The running product's API called directly from a browser test, for set-up and for checking what the console
// claims: a non-2xx answer fails the test with its body. `key` calls it with another of the account's API keys.
import assert from 'node:assert/strict';
import type { RunningProduct } from './product.ts';

export function productApi(product: () => RunningProduct) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read responses as loose JSON
  return async function api<T = any>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
    const p = product();
    const res = await fetch(`${p.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${key ?? p.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
