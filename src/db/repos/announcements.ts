// Announcements of one status page, each with its updates. Callers have checked the page is the caller's
// (src/api/ownership.ts); every lookup here is scoped to that page.
import { and, asc, desc, eq, gte, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { newTimeOrderedId } from '../new-id.ts';
import { statusPageAnnouncements, statusPageAnnouncementUpdates } from '../schema/index.ts';
import type { AnnouncementStatus } from '../../domain/status-page.ts';
import { isoOrNull, timestamps } from './fields.ts';
import type { ListWindow } from './scoped.ts';

type AnnouncementRow = typeof statusPageAnnouncements.$inferSelect;
type UpdateRow = typeof statusPageAnnouncementUpdates.$inferSelect;
export interface FullAnnouncement {
  id: string;
  row: AnnouncementRow;
  updates: UpdateRow[];
}

export function announcementToJson({ row, updates }: FullAnnouncement) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    ...timestamps(row),
    resolved_at: isoOrNull(row.resolvedAt),
    updates: updates.map((u) => ({ id: u.id, status: u.status, message: u.message, created_at: u.createdAt.toISOString() })),
  };
}

/** The updates of several announcements, each list oldest first. */
async function withUpdates(db: Db, rows: AnnouncementRow[]): Promise<FullAnnouncement[]> {
  if (rows.length === 0) return [];
  const ups = await db
    .select()
    .from(statusPageAnnouncementUpdates)
    .where(
      inArray(
        statusPageAnnouncementUpdates.announcementId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(statusPageAnnouncementUpdates.id));
  return rows.map((row) => ({ id: row.id, row, updates: ups.filter((u) => u.announcementId === row.id) }));
}

/** resolved_at after an update of this status: kept while it stays resolved, cleared when it reopens. */
const resolvedAtAfter = (status: AnnouncementStatus, cur: Date | null, now: Date) => (status === 'resolved' ? (cur ?? now) : null);

export function announcementRepo(db: Db, pageId: string) {
  const find = async (id: string) => {
    const [row] = await db
      .select()
      .from(statusPageAnnouncements)
      .where(and(eq(statusPageAnnouncements.id, id), eq(statusPageAnnouncements.pageId, pageId)));
    return row ? (await withUpdates(db, [row]))[0] : undefined;
  };
  return {
    find,
    /** Newest first: ids are time-ordered, so the window's `after` is an older id. */
    async list(w: ListWindow): Promise<FullAnnouncement[]> {
      const rows = await db
        .select()
        .from(statusPageAnnouncements)
        .where(and(eq(statusPageAnnouncements.pageId, pageId), w.after ? lt(statusPageAnnouncements.id, w.after) : undefined))
        .orderBy(desc(statusPageAnnouncements.id))
        .limit(w.take);
      return withUpdates(db, rows);
    },
    /** What the public page shows: every unresolved one and those resolved since `resolvedSince`. */
    async shown(resolvedSince: Date): Promise<FullAnnouncement[]> {
      const rows = await db
        .select()
        .from(statusPageAnnouncements)
        .where(
          and(
            eq(statusPageAnnouncements.pageId, pageId),
            or(isNull(statusPageAnnouncements.resolvedAt), gte(statusPageAnnouncements.resolvedAt, resolvedSince)),
          ),
        )
        .orderBy(desc(statusPageAnnouncements.id));
      return withUpdates(db, rows);
    },
    async create(a: { title: string; status: AnnouncementStatus; message: string }): Promise<FullAnnouncement> {
      const now = new Date();
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(statusPageAnnouncements)
          .values({
            id: newTimeOrderedId('ann'),
            pageId,
            title: a.title,
            status: a.status,
            createdAt: now,
            updatedAt: now,
            resolvedAt: resolvedAtAfter(a.status, null, now),
          })
          .returning();
        await tx
          .insert(statusPageAnnouncementUpdates)
          .values({ id: newTimeOrderedId('anu'), announcementId: row!.id, status: a.status, message: a.message, createdAt: now });
        return row!.id;
      });
      return (await find(id))!;
    },
    /** Adds an update and moves the announcement to its status; undefined when there is no such announcement. */
    async addUpdate(id: string, u: { status: AnnouncementStatus; message: string }): Promise<FullAnnouncement | undefined> {
      const now = new Date();
      const done = await db.transaction(async (tx) => {
        const [cur] = await tx
          .select()
          .from(statusPageAnnouncements)
          .where(and(eq(statusPageAnnouncements.id, id), eq(statusPageAnnouncements.pageId, pageId)))
          .for('update');
        if (!cur) return false;
        await tx
          .update(statusPageAnnouncements)
          .set({ status: u.status, updatedAt: now, resolvedAt: resolvedAtAfter(u.status, cur.resolvedAt, now) })
          .where(eq(statusPageAnnouncements.id, cur.id));
        await tx
          .insert(statusPageAnnouncementUpdates)
          .values({ id: newTimeOrderedId('anu'), announcementId: cur.id, status: u.status, message: u.message, createdAt: now });
        return true;
      });
      return done ? find(id) : undefined;
    },
    async delete(id: string): Promise<boolean> {
      const gone = await db
        .delete(statusPageAnnouncements)
        .where(and(eq(statusPageAnnouncements.id, id), eq(statusPageAnnouncements.pageId, pageId)))
        .returning({ id: statusPageAnnouncements.id });
      return gone.length > 0;
    },
  };
}
