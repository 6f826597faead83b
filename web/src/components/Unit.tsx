// The unit of a numeric field, written beside its input: forms mix seconds, milliseconds and days, and each field
// says which it takes.
import type { ReactNode } from 'react';

/** `unit` null: a field whose kind has no unit (an assertion on a body), the input as it is. */
export function WithUnit({ unit, children }: { unit: string | null; children: ReactNode }) {
  if (unit === null) return children;
  return (
    <span className="with-unit">
      {children}
      <span className="unit" data-unit={unit}>
        {unit}
      </span>
    </span>
  );
}
