/** PostgreSQL unique_violation on the named constraint, through drizzle's error wrapper (pg and PGlite alike). */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; constraint?: unknown; message?: unknown };
    if (x.code === '23505' && (x.constraint === constraint || (typeof x.message === 'string' && x.message.includes(constraint))))
      return true;
  }
  return false;
}
