// The public status page's JSON (GET /public/status-pages/:slug, or /public/status-page on a custom domain): the
// only data a visitor's browser receives. Labels, title and description are the operator's; nothing names an id.
export type ItemStatus = 'unknown' | 'up' | 'degraded' | 'down';
export type AnnouncementStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export interface PublicItem {
  key: string;
  label: string;
  status: ItemStatus;
  paused: boolean;
  maintenance: boolean;
  uptime_90d: number | null;
  days: Array<{ date: string; uptime: number | null }>;
  response_time_ms?: number | null;
}

export interface PublicAnnouncement {
  title: string;
  status: AnnouncementStatus;
  created_at: string;
  resolved_at: string | null;
  updates: Array<{ status: AnnouncementStatus; message: string; created_at: string }>;
}

export interface PublicStatusPage {
  title: string;
  description: string | null;
  generated_at: string;
  overall: ItemStatus;
  items: PublicItem[];
  announcements: PublicAnnouncement[];
  /** an unlisted page also gets <meta name="robots" content="noindex"> */
  visibility: 'public' | 'unlisted';
}
