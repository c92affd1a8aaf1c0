/**
 * Runs `work` over `items` with at most `limit` in flight, and returns the results in the order
 * of `items` (so per-record reporting stays exact whatever finishes first). If `work` throws,
 * the whole call rejects: the handler's work never does (each result carries its own failure).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
