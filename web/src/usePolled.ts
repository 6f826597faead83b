// A screen's data, loaded now and polled (usePoll): what was loaded, the last load error, and a way to reload at once.
import { useState } from 'react';
import { usePoll } from './lib.tsx';

export function usePolled<T>(load: () => Promise<T>, ms: number, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = usePoll(
    async (live) => {
      try {
        const d = await load();
        if (!live()) return;
        setData(d);
        setError(null);
      } catch (err) {
        if (live()) setError(err instanceof Error ? err.message : String(err));
      }
    },
    ms,
    deps,
  );
  return { data, setData, error, refresh };
}
