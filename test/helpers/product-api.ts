// The running product's API, called directly by a browser test for set-up and for checking what the page claims.
import assert from 'node:assert/strict';
import type { RunningProduct } from './product.ts';

/** Any answer that is not 2xx fails the test, naming the request and the answer. */
export function productApi(product: () => RunningProduct) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read responses as loose JSON
  return async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const { api: base, apiKey } = product();
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
