// Status pages of one account (docs/BEHAVIOUR.md, "Status pages and badges"): the page row, its custom domains and
// its items, written together. An item keeps its key while the page keeps showing the same endpoint or group.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newId, newItemKey } from '../new-id.ts';
import { statusPageDomains, statusPageItems, statusPages } from '../schema/index.ts';
import { timestamps } from './fields.ts';
import { type ListWindow, scopedTable } from './scoped.ts';
import { isUniqueViolation } from './unique-violation.ts';

export type StatusPageRow = typeof statusPages.$inferSelect;
type ItemRow = typeof statusPageItems.$inferSelect;

interface ItemInput {
  endpoint_id?: string | null;
  group_id?: string | null;
  label: string;
  show_response_time: boolean;
}

export interface StatusPageFields {
  slug: string;
  title: string;
  description: string | null;
  visibility: StatusPageRow['visibility'];
  custom_domains: string[];
  items: ItemInput[];
}

/** A page with its domains and items, in their order. */
export interface FullStatusPage {
  id: string;
  page: StatusPageRow;
  domains: string[];
  items: ItemRow[];
}

/** A write another page's slug or custom domain got in the way of: the field to name in the 409. */
export type Taken = { taken: 'slug' | 'custom_domains' };

export function statusPageToJson({ page, domains, items }: FullStatusPage) {
  return {
    id: page.id,
    slug: page.slug,
    title: page.title,
    description: page.description,
    visibility: page.visibility,
    custom_domains: domains,
    items: items.map((i) => ({
      key: i.key,
      endpoint_id: i.endpointId,
      group_id: i.groupId,
      label: i.label,
      show_response_time: i.showResponseTime,
    })),
    ...timestamps(page),
  };
}

/** The domains and items of several pages, each in its order. */
async function loadParts(db: Db, pages: StatusPageRow[]): Promise<FullStatusPage[]> {
  const ids = pages.map((p) => p.id);
  if (ids.length === 0) return [];
  const [domains, items] = await Promise.all([
    db.select().from(statusPageDomains).where(inArray(statusPageDomains.pageId, ids)).orderBy(asc(statusPageDomains.position)),
    db.select().from(statusPageItems).where(inArray(statusPageItems.pageId, ids)).orderBy(asc(statusPageItems.position)),
  ]);
  return pages.map((page) => ({
    id: page.id,
    page,
    domains: domains.filter((d) => d.pageId === page.id).map((d) => d.domain),
    items: items.filter((i) => i.pageId === page.id),
  }));
}

async function writeDomains(tx: Db, pageId: string, domains: string[]): Promise<void> {
  await tx.delete(statusPageDomains).where(eq(statusPageDomains.pageId, pageId));
  if (domains.length) await tx.insert(statusPageDomains).values(domains.map((domain, position) => ({ domain, pageId, position })));
}

/** Replaces the items; one showing an endpoint or group the page already showed keeps that item's key. */
async function writeItems(tx: Db, pageId: string, items: ItemInput[]): Promise<void> {
  const old = await tx.delete(statusPageItems).where(eq(statusPageItems.pageId, pageId)).returning();
  const keyOf = new Map(old.map((i) => [i.endpointId ? `e:${i.endpointId}` : `g:${i.groupId}`, i.key]));
  const used = new Set<string>();
  const rows = items.map((it, position) => {
    let key = keyOf.get(it.endpoint_id ? `e:${it.endpoint_id}` : `g:${it.group_id}`);
    while (!key || used.has(key)) key = newItemKey();
    used.add(key);
    return {
      pageId,
      key,
      position,
      endpointId: it.endpoint_id ?? null,
      groupId: it.endpoint_id ? null : (it.group_id ?? null),
      label: it.label,
      showResponseTime: it.show_response_time,
    };
  });
  await tx.insert(statusPageItems).values(rows);
}

/** Runs a write; a slug or domain another page holds answers which one. */
async function unlessTaken<T>(write: () => Promise<T>): Promise<T | Taken> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'status_pages_slug_uq')) return { taken: 'slug' };
    if (isUniqueViolation(err, 'status_page_domains_pkey')) return { taken: 'custom_domains' };
    throw err;
  }
}

export function statusPageRepo(db: Db, accountId: string) {
  const base = scopedTable(db, statusPages, accountId);
  const full = async (row: StatusPageRow | undefined) => (row ? (await loadParts(db, [row]))[0] : undefined);
  return {
    find: async (id: string) => full(await base.find(id)),
    list: async (w: ListWindow) => loadParts(db, await base.list(w)),
    /** just the page row: for the routes under a page, which need only to know it is the caller's */
    findRow: (id: string) => base.find(id),
    create: (f: StatusPageFields) =>
      unlessTaken(() =>
        db.transaction(async (tx) => {
          const [page] = await tx
            .insert(statusPages)
            .values({ id: newId('sp'), accountId, slug: f.slug, title: f.title, description: f.description, visibility: f.visibility })
            .returning();
          await writeDomains(tx as unknown as Db, page!.id, f.custom_domains);
          await writeItems(tx as unknown as Db, page!.id, f.items);
          return page!;
        }),
      ),
    /** Applies a PATCH (items and domains replaced whole when given); undefined when the page is not the account's. */
    update: (id: string, f: Partial<StatusPageFields>) =>
      unlessTaken(() =>
        db.transaction(async (tx) => {
          const t = tx as unknown as Db;
          const cols = {
            ...(f.slug !== undefined && { slug: f.slug }),
            ...(f.title !== undefined && { title: f.title }),
            ...(f.description !== undefined && { description: f.description }),
            ...(f.visibility !== undefined && { visibility: f.visibility }),
          };
          const page = await scopedTable(t, statusPages, accountId).update(id, cols);
          if (!page) return undefined;
          if (f.custom_domains) await writeDomains(t, page.id, f.custom_domains);
          if (f.items) await writeItems(t, page.id, f.items);
          return page;
        }),
      ),
    delete: async (id: string) => {
      const gone = await db
        .delete(statusPages)
        .where(and(eq(statusPages.id, id), eq(statusPages.accountId, accountId)))
        .returning({ id: statusPages.id });
      return gone.length > 0;
    },
    full,
  };
}

/** A deleted endpoint leaves every page that showed it (an endpoint's delete is soft, so no cascade does it). */
export async function removeEndpointFromPages(db: Db, endpointId: string): Promise<void> {
  await db.delete(statusPageItems).where(eq(statusPageItems.endpointId, endpointId));
}

/** The page a public request names: by slug, or by one of its custom domains (the request's Host). */
export async function pageForPublic(db: Db, by: { slug: string } | { domain: string }): Promise<FullStatusPage | undefined> {
  const [row] =
    'slug' in by
      ? await db.select().from(statusPages).where(eq(statusPages.slug, by.slug))
      : await db
          .select({ p: statusPages })
          .from(statusPageDomains)
          .innerJoin(statusPages, eq(statusPages.id, statusPageDomains.pageId))
          .where(eq(statusPageDomains.domain, by.domain))
          .then((rs) => rs.map((r) => r.p));
  return row ? (await loadParts(db, [row]))[0] : undefined;
}
