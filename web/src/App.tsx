// The shell: the key gate, the navigation, and the page for the current hash route.
import { useEffect, useState } from 'react';
import { api, setUnauthorizedHandler, storedKey, type Meta } from './api.ts';
import { askOpenTabs, forgetEverywhere, onKeyForgotten, type ForgetReason } from './key-share.ts';
import { href, useRoute } from './lib.tsx';
import { Login } from './pages/Login.tsx';
import { Board } from './pages/Board.tsx';
import { EndpointPage } from './pages/EndpointPage.tsx';
import { Webhooks } from './pages/Webhooks.tsx';
import { WebhookPage } from './pages/WebhookPage.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { Maintenance } from './pages/Maintenance.tsx';
import { StatusPages } from './pages/StatusPages.tsx';
import { StatusPageScreen } from './pages/StatusPageScreen.tsx';
import { ApiKeys } from './pages/ApiKeys.tsx';

const FORGOTTEN: Record<ForgetReason, string | null> = {
  forgotten: null,
  refused: 'The API refused the stored key (it may have been revoked). Paste a valid API key to continue.',
  revoked: "This console's key was revoked. Paste another API key to continue.",
};

export function App() {
  const [key, setKey] = useState(storedKey);
  // a tab without a key first asks the console's open tabs for theirs (key-share.ts)
  const [asking, setAsking] = useState(() => !storedKey());
  const [notice, setNotice] = useState<string | null>(null);
  const [meta, setMeta] = useState<Meta | null>(null);
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => forgetEverywhere('refused'));
    const stop = onKeyForgotten((reason) => {
      setKey(null);
      setNotice(FORGOTTEN[reason]);
    });
    if (!storedKey())
      void askOpenTabs().then((k) => {
        if (k) setKey(k);
        setAsking(false);
      });
    return stop;
  }, []);

  useEffect(() => {
    if (!key) return;
    let live = true;
    api.get<Meta>('/v1/meta').then(
      (m) => live && setMeta(m),
      () => live && setMeta(null),
    );
    return () => {
      live = false;
    };
  }, [key]);

  if (!key && asking) return <p className="muted">Connecting…</p>;
  if (!key) {
    return (
      <Login
        notice={notice}
        onKey={(k) => {
          setNotice(null);
          setKey(k);
        }}
      />
    );
  }

  const [first, second, third] = route.parts;
  let page;
  let section: 'board' | 'maintenance' | 'status-pages' | 'webhooks' | 'account' | 'keys' = 'board';
  if (first === 'endpoints' && second) page = <EndpointPage key={second} id={second} />;
  else if (first === 'maintenance') {
    section = 'maintenance';
    page = <Maintenance />;
  } else if (first === 'status-pages') {
    section = 'status-pages';
    page = second ? <StatusPageScreen key={second} id={second} /> : <StatusPages />;
  } else if (first === 'settings' && second === 'webhooks' && third) {
    section = 'webhooks';
    page = <WebhookPage key={third} id={third} meta={meta} />;
  } else if (first === 'settings' && second === 'webhooks') {
    section = 'webhooks';
    page = <Webhooks />;
  } else if (first === 'settings' && second === 'api-keys') {
    section = 'keys';
    page = <ApiKeys />;
  } else if (first === 'settings') {
    section = 'account';
    page = <AccountPage />;
  } else page = <Board />;

  return (
    <>
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href()}>
          <span aria-hidden="true" className="brand-mark" />
          VantaStatus
        </a>
        <nav aria-label="Main">
          <a href={href()} aria-current={section === 'board' ? 'page' : undefined}>
            Status board
          </a>
          <a href={href('maintenance')} aria-current={section === 'maintenance' ? 'page' : undefined}>
            Maintenance
          </a>
          <a href={href('status-pages')} aria-current={section === 'status-pages' ? 'page' : undefined}>
            Status pages
          </a>
          <a href={href('settings', 'webhooks')} aria-current={section === 'webhooks' ? 'page' : undefined}>
            Webhooks
          </a>
          <a href={href('settings', 'account')} aria-current={section === 'account' ? 'page' : undefined}>
            Account &amp; groups
          </a>
          <a href={href('settings', 'api-keys')} aria-current={section === 'keys' ? 'page' : undefined}>
            API keys
          </a>
        </nav>
        <button type="button" className="small ghost" onClick={() => forgetEverywhere('forgotten')}>
          Forget key
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
