// Pause, resume or delete the selected endpoints, after a confirmation that says how many: one POST /v1/endpoints/bulk
// per 1,000 ids, so a thousand endpoints cost one request, not a thousand (the API key's rate limit counts requests).
import { useState } from 'react';
import { api, type BulkBody, type BulkResult } from '../../api.ts';
import { ConfirmDialog } from '../../lib.tsx';

type Action = BulkBody['action'];
const BULK_MAX_IDS = 1000;

const plural = (n: number) => `${n} endpoint${n === 1 ? '' : 's'}`;

const WORDING: Record<Action, { verb: string; done: string; already: string; consequence: string }> = {
  pause: {
    verb: 'Pause',
    done: 'Paused',
    already: 'already paused',
    consequence: 'They are not checked, and their time is left out of uptime, until resumed.',
  },
  resume: { verb: 'Resume', done: 'Resumed', already: 'not paused', consequence: 'Each is checked at once, then on its interval.' },
  delete: {
    verb: 'Delete',
    done: 'Deleted',
    already: '',
    consequence: 'Their checks stop and they leave the board. This cannot be undone.',
  },
};

async function runBulk(action: Action, ids: string[]): Promise<string> {
  const counts = { changed: 0, unchanged: 0, not_found: 0 };
  for (let i = 0; i < ids.length; i += BULK_MAX_IDS) {
    const res = await api.post<BulkResult>('/v1/endpoints/bulk', { action, ids: ids.slice(i, i + BULK_MAX_IDS) });
    for (const r of res.data) counts[r.outcome]++;
  }
  const w = WORDING[action];
  return [
    `${w.done} ${plural(counts.changed)}.`,
    counts.unchanged ? `${plural(counts.unchanged)} ${counts.unchanged === 1 ? 'was' : 'were'} ${w.already}.` : '',
    counts.not_found ? `${plural(counts.not_found)} no longer existed.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function BulkActions({ ids, onClear, onDone }: { ids: string[]; onClear: () => void; onDone: (message: string) => void }) {
  const [confirming, setConfirming] = useState<Action | null>(null);
  if (ids.length === 0) return null;
  return (
    <div className="bulk-bar" role="group" aria-label="Bulk actions" data-testid="bulk-bar">
      <strong aria-live="polite">{plural(ids.length)} selected</strong>
      {(Object.keys(WORDING) as Action[]).map((action) => (
        <button key={action} type="button" className={action === 'delete' ? 'danger' : undefined} onClick={() => setConfirming(action)}>
          {WORDING[action].verb}…
        </button>
      ))}
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
      {confirming && (
        <ConfirmDialog
          title={`${WORDING[confirming].verb} ${plural(ids.length)}?`}
          confirmLabel={`${WORDING[confirming].verb} ${plural(ids.length)}`}
          danger={confirming === 'delete'}
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            const message = await runBulk(confirming, ids);
            setConfirming(null);
            onDone(message);
          }}
        >
          <p>
            {WORDING[confirming].verb} the {plural(ids.length)} you selected? {WORDING[confirming].consequence}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
