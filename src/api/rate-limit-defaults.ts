// The API's abuse limits and their defaults (docs/BEHAVIOUR.md, "Limits"), apart from the limiter code so the config can name them.
export interface RateLimits {
  /** requests per minute per API key (bucketed on the key's id, after authentication) */
  apiPerKeyPerMinute: number;
  /** failed authentications (401s: API key or admin token) per minute per client IP, before that IP is refused outright */
  authFailuresPerIpPerMinute: number;
  /** incoming results per minute per incoming token */
  incomingPerTokenPerMinute: number;
  /** incoming results per minute per client IP, whatever the token */
  incomingPerIpPerMinute: number;
  /** wrong-token 404s per minute per client IP, before that IP is refused outright */
  wrongTokenPerIpPerMinute: number;
  /** public status page reads (its JSON and HTML) per minute per client IP */
  statusPagePerIpPerMinute: number;
  /** status page badges (SVG) per minute per client IP */
  badgePerIpPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  apiPerKeyPerMinute: 1200,
  authFailuresPerIpPerMinute: 20,
  incomingPerTokenPerMinute: 600,
  incomingPerIpPerMinute: 1200,
  wrongTokenPerIpPerMinute: 20,
  statusPagePerIpPerMinute: 600,
  badgePerIpPerMinute: 600,
};
