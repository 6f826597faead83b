// The webhooks that get this endpoint's events (GET /v1/endpoints/:id/webhooks, the fan-out's own rule): each with
// a link to its page, whether it is on, and which of the endpoint's event types it gets.
import { useState } from 'react';
import { api } from '../api.ts';
import type { paths } from '../api-types.ts';
import { Empty, href, usePoll } from '../lib.tsx';
import { EVENT_LABELS } from './WebhookForm.tsx';

type Listed = paths['/v1/endpoints/{id}/webhooks']['get']['responses'][200]['content']['application/json']['data'][number];
const REFRESH_MS = 30_000;

export function EndpointWebhooks({ endpointId, groupId }: { endpointId: string; groupId: string | null }) {
  const [list, setList] = useState<Listed[] | null>(null);
  usePoll(
    async (live) => {
      try {
        const r = await api.get<{ data: Listed[] }>(`/v1/endpoints/${encodeURIComponent(endpointId)}/webhooks`);
        if (live()) setList(r.data);
      } catch {
        /* next poll */
      }
    },
    REFRESH_MS,
    [endpointId, groupId],
  );
  return (
    <div className="card" data-testid="endpoint-webhooks">
      <h2>Webhooks for this endpoint</h2>
      {list === null ? (
        <p className="muted">Loading webhooks…</p>
      ) : list.length === 0 ? (
        <Empty title="No webhook gets this endpoint's events.">
          <p>
            Add one under <a href={href('settings', 'webhooks')}>Settings › Webhooks</a>, for the whole account or for this endpoint's
            group.
          </p>
        </Empty>
      ) : (
        <ul className="plain-list">
          {list.map((w) => (
            <li key={w.id} data-webhook-id={w.id} data-enabled={w.enabled}>
              <a className="mono break" href={href('settings', 'webhooks', w.id)}>
                {w.url}
              </a>
              {w.description && <> · {w.description}</>}
              {!w.enabled && <span className="badge paused">off: gets nothing until switched on</span>}
              <span className="sub">{w.events.map((e) => EVENT_LABELS[e]).join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
