/**
 * Coalesce concurrent look-ups into one query: keys asked for while a query runs (or within the
 * same tick) are fetched together by the next one. Every answer still comes from a query that
 * started after it was asked for, so a committed change is seen by the next request — batching
 * trades no freshness for fewer round trips (the OCSP hot path; docs/pki.md).
 */
export function createBatchLoader<K, V>(
  fetch: (keys: K[]) => Promise<Map<K, V>>,
  maxBatch = 256,
): (key: K) => Promise<V | undefined> {
  let waiting: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  const run = async (): Promise<void> => {
    running = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        const found = await fetch([...new Set(batch.map((w) => w.key))]);
        for (const w of batch) w.resolve(found.get(w.key));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    running = false;
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (!running) {
        running = true;
        setImmediate(() => void run());
      }
    });
}
