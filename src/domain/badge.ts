// Status page badges (docs/BEHAVIOUR.md, "Status pages and badges"): a shields-like SVG of a label and a value.
// Pure: the width comes from an estimate of the text's width in 11 px Verdana, every text is XML-escaped.
import type { EndpointStatus } from './types.ts';

/** The console's colours for each status (web/src/styles.css, --up, --degraded, --down, --unknown). */
export const STATUS_COLOURS: Record<EndpointStatus, string> = {
  up: '#137333',
  degraded: '#8a5300',
  down: '#b42318',
  unknown: '#4b5563',
};
/** The console's word for each status (web/src/status-display.ts): a status no result has decided is "pending". */
export const STATUS_WORDS: Record<EndpointStatus, string> = { up: 'up', degraded: 'degraded', down: 'down', unknown: 'pending' };
const LABEL_COLOUR = '#555';
/** a value that is a figure rather than a status (response time) */
export const NEUTRAL_COLOUR = '#0b5cad';

const NARROW = new Set([..."iIjlt.,:;!|'()[] f"]);
const WIDE = new Set([...'mwMW%@']);

/** Approximate width in px of text in 11 px Verdana: enough to size the badge without a font file. */
export function textWidth(text: string): number {
  let w = 0;
  for (const c of text) w += NARROW.has(c) ? 4 : WIDE.has(c) ? 10 : /[A-Z0-9]/.test(c) ? 7.5 : 7;
  return Math.ceil(w);
}

export const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Text beyond this many characters is cut with an ellipsis, so a long label cannot make a huge image. */
const MAX_CHARS = 60;
const clip = (s: string) => ([...s].length > MAX_CHARS ? [...s].slice(0, MAX_CHARS - 1).join('') + '…' : s);

export function renderBadge(b: { label: string; value: string; colour: string }): string {
  const label = clip(b.label);
  const value = clip(b.value);
  const lw = textWidth(label) + 12;
  const vw = textWidth(value) + 12;
  const w = lw + vw;
  const title = escapeXml(`${label}: ${value}`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="${LABEL_COLOUR}"/><rect x="${lw}" width="${vw}" height="20" fill="${b.colour}"/>` +
    `<rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${lw / 2}" y="14">${escapeXml(label)}</text><text x="${lw + vw / 2}" y="14">${escapeXml(value)}</text></g></svg>`
  );
}

/** An uptime's colour: up from 99.9 %, degraded from 99 %, down below; unknown without data. */
export function uptimeColour(percent: number | null): string {
  if (percent === null) return STATUS_COLOURS.unknown;
  return percent >= 99.9 ? STATUS_COLOURS.up : percent >= 99 ? STATUS_COLOURS.degraded : STATUS_COLOURS.down;
}

/** 99.95 %, cut (not rounded) to two decimals so 99.999 never reads 100 %. */
export const formatUptime = (percent: number | null) => (percent === null ? 'no data' : `${(Math.floor(percent * 100) / 100).toString()}%`);
