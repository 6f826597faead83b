// Settings → Webhooks: every webhook with an on/off switch, and adding one (its secret is shown once).
import { useState } from 'react';
import { api, listAll, type Group, type Webhook, type WebhookEvent, type WebhookWithSecret } from '../api.ts';
import { Toggle } from '../components/Toggle.tsx';
import { EVENT_LABELS, WebhookForm } from '../components/WebhookForm.tsx';
import { Dialog, Empty, href, navigate, usePageHeading, usePoll } from '../lib.tsx';
import { SecretDialog } from '../components/SecretDialog.tsx';

export function Webhooks() {
  const heading = usePageHeading('Webhooks');
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<WebhookWithSecret | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [alerts, setAlerts] = useState<WebhookEvent[]>([]);

  const refresh = usePoll(
    async (live) => {
      try {
        // the failure alerts of the last 24 hours (docs/BEHAVIOUR.md, "Failure alerts")
        const since = new Date(Date.now() - 86_400_000).toISOString();
        const [w, g, a] = await Promise.all([
          listAll<Webhook>('/v1/webhooks'),
          listAll<Group>('/v1/groups'),
          api.get<{ data: WebhookEvent[] }>(`/v1/webhook-events?since=${encodeURIComponent(since)}&limit=100`),
        ]);
        if (!live()) return;
        setWebhooks(w);
        setGroups(g);
        setAlerts(a.data);
        setLoadError(null);
      } catch (err) {
        if (live()) setLoadError(err instanceof Error ? err.message : String(err));
      }
    },
    10_000,
    [],
  );
  const groupName = (id: string | null) => (id ? (groups.find((g) => g.id === id)?.name ?? id) : null);

  return (
    <section>
      <p className="crumbs">Settings ›</p>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          Webhooks
        </h1>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add webhook
        </button>
      </div>
      {loadError && (
        <p className="banner error" role="alert">
          {loadError}
        </p>
      )}
      {webhooks && <FailureBanner alerts={alerts} webhooks={webhooks} />}
      {webhooks === null ? (
        <p className="muted">Loading webhooks…</p>
      ) : webhooks.length === 0 ? (
        <Empty title="No webhooks yet.">
          <p>Add a webhook to be told, with a signed JSON POST (or a Slack message), when an endpoint goes down, slows down or recovers.</p>
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add your first webhook
          </button>
        </Empty>
      ) : (
        <table className="data" data-testid="webhooks">
          <thead>
            <tr>
              <th scope="col">Target URL</th>
              <th scope="col">Events</th>
              <th scope="col">Endpoints</th>
              <th scope="col">Format</th>
              <th scope="col">Enabled</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((w) => (
              <tr key={w.id} data-webhook-id={w.id}>
                <th scope="row" data-label="Target URL">
                  <a href={href('settings', 'webhooks', w.id)} className="mono">
                    {w.url}
                  </a>
                  {w.description && <span className="sub">{w.description}</span>}
                </th>
                <td data-label="Events">{w.events.map((e) => EVENT_LABELS[e]).join(', ')}</td>
                <td data-label="Endpoints">{groupName(w.group_id) ? `group ${groupName(w.group_id)}` : 'all'}</td>
                <td data-label="Format">{w.format}</td>
                <td data-label="Enabled">
                  <Toggle
                    on={w.enabled}
                    label={`Webhook ${w.url} enabled`}
                    onChange={async (on) => {
                      const u = await api.patch<Webhook>(`/v1/webhooks/${encodeURIComponent(w.id)}`, { enabled: on });
                      setWebhooks((l) => l?.map((x) => (x.id === u.id ? u : x)) ?? null);
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {adding && (
        <Dialog title="Add a webhook" onClose={() => setAdding(false)} className="wide">
          <WebhookForm
            idPrefix="new-wh"
            groups={groups}
            submitLabel="Add webhook"
            onCancel={() => setAdding(false)}
            onSubmit={async (input) => {
              const w = await api.post<WebhookWithSecret>('/v1/webhooks', input);
              setAdding(false);
              setCreated(w);
              refresh();
            }}
          />
        </Dialog>
      )}
      {created && (
        <SecretDialog
          secret={created.secret}
          rotated={false}
          onClose={() => {
            const id = created.id;
            setCreated(null);
            navigate(href('settings', 'webhooks', id));
          }}
        />
      )}
    </section>
  );
}

/**
 * Webhooks of this account that failed a delivery or were switched off in the last 24 hours. Sample events sent
 * with "Send test" name a webhook that does not exist, so they never raise it.
 */
function FailureBanner(props: { alerts: WebhookEvent[]; webhooks: Webhook[] }) {
  const known = new Map(props.webhooks.map((w) => [w.id, w]));
  const about = (type: string) => [
    ...new Set(props.alerts.filter((a) => a.event === type && known.has(a.data.webhook?.id ?? '')).map((a) => a.data.webhook!.id)),
  ];
  const failed = props.alerts.filter((a) => a.event === 'webhook.delivery.failed' && known.has(a.data.webhook?.id ?? '')).length;
  const failing = about('webhook.delivery.failed');
  const disabled = about('webhook.disabled');
  if (failing.length === 0 && disabled.length === 0) return null;
  const names = (ids: string[]) => ids.map((id) => known.get(id)?.description ?? known.get(id)?.url ?? id);
  return (
    <p className="banner error" role="status" data-testid="failure-banner">
      {failed > 0 && (
        <>
          {failed === 1 ? '1 delivery' : `${failed} deliveries`} failed in the last 24 hours ({names(failing).join(', ')}).{' '}
        </>
      )}
      {disabled.length > 0 && <>Switched off after failed deliveries: {names(disabled).join(', ')}. </>}
      Open a webhook to see its delivery log.
    </p>
  );
}
