import type { WriteRecord } from './faultProxy';

/**
 * The write after which a function counts an object as done (its idempotency marker, as each
 * contract documents it): two of these for one source version, from two separate SDK calls,
 * mean the object was processed twice. Earlier writes of a set (an archive before its metadata
 * rewrite, renditions before the manifest) may be redone by design after a failed attempt.
 */
export function isCompletingWrite(fn: string, write: WriteRecord): boolean {
  switch (fn) {
    case 'checksum':
      return write.key.endsWith('.md5');
    case 'metadata':
      return write.key.endsWith('.metadata.json');
    case 'compress':
      // The rewrite that records the original's MD5 is compress's last write (docs/compress.md).
      return write.metadata['original-md5'] !== undefined;
    case 'image-resize':
      return write.key.endsWith('/manifest.json');
    default:
      return false;
  }
}
