// The API key between this console's tabs, without putting it anywhere but each tab's sessionStorage (api.ts): a
// new tab asks the open ones over a BroadcastChannel (same origin only) before it shows the login screen, and a
// forget in any tab (the button, a 401, revoking this console's own key) clears every tab. docs/BEHAVIOUR.md,
// "Console sign-in", says why.
import { forgetKey, storedKey, storeKey } from './api.ts';

/** Why the key went: the login screen says so. */
export type ForgetReason = 'forgotten' | 'refused' | 'revoked';
type Message = { type: 'ask'; nonce: string } | { type: 'key'; nonce: string; key: string } | { type: 'forget'; reason: ForgetReason };

const CHANNEL = 'vantastatus.console-key';
/** How long a new tab waits for an open tab's answer: a live tab answers in a few milliseconds. */
const ASK_TIMEOUT_MS = 500;

let channel: BroadcastChannel | null = null;
const forgetListeners = new Set<(reason: ForgetReason) => void>();

function open(): BroadcastChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL);
    channel.addEventListener('message', (e: MessageEvent<Message>) => {
      const m = e.data;
      if (m?.type === 'ask') {
        const key = storedKey();
        if (key) channel?.postMessage({ type: 'key', nonce: m.nonce, key } satisfies Message);
      } else if (m?.type === 'forget') {
        forgetKey();
        for (const l of forgetListeners) l(m.reason);
      }
    });
  }
  return channel;
}

/** Runs `fn` whenever the key is forgotten, in this tab or another; answers other tabs' asks from now on. */
export function onKeyForgotten(fn: (reason: ForgetReason) => void): () => void {
  open();
  forgetListeners.add(fn);
  return () => forgetListeners.delete(fn);
}

/** An open tab's key (then kept in this tab's sessionStorage too), or null when no tab answers in time. */
export function askOpenTabs(): Promise<string | null> {
  const ch = open();
  if (!ch) return Promise.resolve(null);
  const nonce = crypto.randomUUID();
  return new Promise((resolve) => {
    const done = (key: string | null) => {
      window.clearTimeout(timer);
      ch.removeEventListener('message', onAnswer);
      if (key) storeKey(key);
      resolve(key);
    };
    const onAnswer = (e: MessageEvent<Message>) => {
      if (e.data?.type === 'key' && e.data.nonce === nonce) done(e.data.key);
    };
    const timer = window.setTimeout(() => done(null), ASK_TIMEOUT_MS);
    ch.addEventListener('message', onAnswer);
    ch.postMessage({ type: 'ask', nonce } satisfies Message);
  });
}

/** Forgets the key in this tab and every other open tab of the console. */
export function forgetEverywhere(reason: ForgetReason): void {
  forgetKey();
  open()?.postMessage({ type: 'forget', reason } satisfies Message);
  for (const l of forgetListeners) l(reason);
}
