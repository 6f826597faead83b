// One status page: what it shows under which label, its link, posting announcements and their updates (as visitors
// will read them), and its badges to copy.
import { useState } from 'react';
import { api, listAll, type Announcement, type Endpoint, type Group, type StatusPage } from '../api.ts';
import { AnnouncementForm } from '../components/AnnouncementForm.tsx';
import { BadgeLinks } from '../components/BadgeLinks.tsx';
import { DeleteStatusPageDialog, StatusPageDialog } from '../components/StatusPageDialogs.tsx';
import { ConfirmDialog, href, navigate, usePageHeading } from '../lib.tsx';
import { usePolled } from '../usePolled.ts';
import { Announcement as AnnouncementView } from '../status/AnnouncementList.tsx';

function AnnouncementItem(props: { base: string; a: Announcement; onChanged: (a: Announcement | null) => void }) {
  const { a } = props;
  const [updating, setUpdating] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const path = `${props.base}/announcements/${encodeURIComponent(a.id)}`;
  return (
    <li data-announcement-id={a.id}>
      <AnnouncementView
        a={a}
        actions={
          <>
            {updating ? (
              <AnnouncementForm
                idPrefix={`upd-${a.id}`}
                withTitle={false}
                initialStatus={a.status}
                submitLabel="Post update"
                onCancel={() => setUpdating(false)}
                onSubmit={async (input) => {
                  props.onChanged(await api.post<Announcement>(`${path}/updates`, input));
                  setUpdating(false);
                }}
              />
            ) : (
              <div className="actions">
                <button type="button" className="small" onClick={() => setUpdating(true)}>
                  Add update<span className="visually-hidden"> to {a.title}</span>
                </button>
                <button type="button" className="small danger" onClick={() => setDeleting(true)}>
                  Delete<span className="visually-hidden"> {a.title}</span>
                </button>
              </div>
            )}
            {deleting && (
              <ConfirmDialog
                title={`Delete the announcement ${a.title}?`}
                confirmLabel="Delete announcement"
                danger
                onClose={() => setDeleting(false)}
                onConfirm={async () => {
                  await api.del(path);
                  props.onChanged(null);
                }}
              >
                <p>It disappears from the public page with all its updates.</p>
              </ConfirmDialog>
            )}
          </>
        }
      />
    </li>
  );
}

export function StatusPageScreen({ id }: { id: string }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const base = `/v1/status-pages/${encodeURIComponent(id)}`;
  const {
    data,
    setData,
    error: loadError,
    refresh,
  } = usePolled(
    async () => {
      const [page, announcements, endpoints, groups] = await Promise.all([
        api.get<StatusPage>(base),
        listAll<Announcement>(`${base}/announcements`),
        listAll<Endpoint>('/v1/endpoints'),
        listAll<Group>('/v1/groups'),
      ]);
      return { page, announcements, endpoints, groups };
    },
    15_000,
    [base],
  );
  const page = data?.page ?? null;
  const heading = usePageHeading(page?.title ?? 'Status page');
  const setAnnouncements = (f: (l: Announcement[]) => Announcement[]) => setData((d) => d && { ...d, announcements: f(d.announcements) });
  const nameOf = (i: StatusPage['items'][number]) =>
    i.endpoint_id
      ? `endpoint ${data?.endpoints.find((e) => e.id === i.endpoint_id)?.name ?? i.endpoint_id}`
      : `group ${data?.groups.find((g) => g.id === i.group_id)?.name ?? i.group_id}`;
  const replace = (changed: Announcement | null, id: string) =>
    setAnnouncements((l) => (changed ? l.map((x) => (x.id === id ? changed : x)) : l.filter((x) => x.id !== id)));

  return (
    <section>
      <p className="crumbs">
        <a href={href('status-pages')}>Status pages</a> ›
      </p>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {page?.title ?? 'Status page'}
        </h1>
        <div className="spacer" />
        {page && (
          <>
            <a className="button" href={`/status/${encodeURIComponent(page.slug)}`} target="_blank" rel="noopener noreferrer">
              Open public page<span className="visually-hidden"> (new tab)</span>
            </a>
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" className="danger" onClick={() => setDeleting(true)}>
              Delete
            </button>
          </>
        )}
      </div>
      {loadError && (
        <p className="banner error" role="alert">
          {loadError}
        </p>
      )}
      {!page ? (
        !loadError && <p className="muted">Loading…</p>
      ) : (
        <>
          <div className="card">
            <dl className="facts">
              <dt>Public address</dt>
              <dd className="mono break" data-testid="public-url">
                {location.origin}/status/{page.slug}
                {page.custom_domains.map((d) => (
                  <span key={d} className="sub">
                    https://{d}/
                  </span>
                ))}
              </dd>
              <dt>Visibility</dt>
              <dd>{page.visibility === 'public' ? 'public (indexable)' : 'unlisted (not indexed)'}</dd>
              <dt>Description</dt>
              <dd>{page.description ?? <span className="muted">none</span>}</dd>
            </dl>
            <h2>Items</h2>
            <table className="data" data-testid="status-page-items">
              <thead>
                <tr>
                  <th scope="col">Public label</th>
                  <th scope="col">Shows</th>
                  <th scope="col">Response time</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((i) => (
                  <tr key={i.key} data-item-key={i.key}>
                    <th scope="row" data-label="Public label">
                      {i.label}
                    </th>
                    <td data-label="Shows">{nameOf(i)}</td>
                    <td data-label="Response time">{i.show_response_time ? 'shown' : 'hidden'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="card">
            <h2>Post an announcement</h2>
            <AnnouncementForm
              idPrefix="ann-new"
              withTitle
              submitLabel="Post announcement"
              onSubmit={async (input) => {
                const a = await api.post<Announcement>(`${base}/announcements`, input);
                setAnnouncements((l) => [a, ...l]);
              }}
            />
          </div>
          <h2>Announcements</h2>
          {data?.announcements.length === 0 && <p className="muted">None yet.</p>}
          <ul className="plain-list" data-testid="announcements">
            {data?.announcements.map((a) => (
              <AnnouncementItem key={a.id} base={base} a={a} onChanged={(c) => replace(c, a.id)} />
            ))}
          </ul>
          <div className="card">
            <h2>Badges</h2>
            <p className="muted">
              SVG images anyone can embed (a README, a wiki); they show the same status words and colours as the page.
            </p>
            <BadgeLinks page={page} />
          </div>
        </>
      )}
      {editing && page && (
        <StatusPageDialog
          editing={page}
          endpoints={data?.endpoints ?? []}
          groups={data?.groups ?? []}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setData((d) => d && { ...d, page: saved });
            setEditing(false);
            refresh();
          }}
        />
      )}
      {deleting && page && (
        <DeleteStatusPageDialog page={page} onClose={() => setDeleting(false)} onDeleted={() => navigate(href('status-pages'))} />
      )}
    </section>
  );
}
