/** The hex digest of each algorithm asked for, and the CRC-32 (0 when not asked for). */
export interface Digests {
  hex: Record<string, string>;
  crc: number;
}

/** Hashes an input given in order, piece by piece; keeps none of the pieces. */
export interface InputHasher {
  /** Hashes `data` next; resolves when the caller may send more. */
  update(data: Uint8Array): Promise<void> | void;
  /** The digests of everything given; the hasher is done afterwards. */
  digest(): Promise<Digests>;
  /** Frees what the hasher holds (its thread) when the input is abandoned. */
  close(): void;
}
