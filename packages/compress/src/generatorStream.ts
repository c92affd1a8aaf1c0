import { Readable } from 'node:stream';

/**
 * A byte stream of what `chunks` yields, pulled only as fast as it is read (backpressure).
 * Unlike Readable.from, destroying it calls `onDestroy` first, synchronously, and only then
 * returns the generator: Readable.from waits for the generator to reach its next `yield` before
 * it finishes destroying, which a generator waiting on threads or on a source that `onDestroy`
 * would stop never does. Each chunk is shown to `observe` as it is handed out.
 */
export function generatorStream(
  chunks: AsyncGenerator<Buffer>,
  observe: (chunk: Buffer) => void,
  onDestroy: () => void,
): Readable {
  let pulling = false;
  return new Readable({
    read() {
      if (pulling) return;
      pulling = true;
      const pull = async (): Promise<void> => {
        try {
          for (;;) {
            const { value, done } = await chunks.next();
            if (this.destroyed) return;
            if (done) {
              this.push(null);
              return;
            }
            observe(value);
            if (!this.push(value)) return;
          }
        } catch (error) {
          this.destroy(error as Error);
        } finally {
          pulling = false;
        }
      };
      void pull();
    },
    destroy(error, callback) {
      onDestroy();
      chunks.return(undefined).then(
        () => callback(error),
        (thrown: unknown) => callback((error ?? thrown) as Error | null),
      );
    },
  });
}
