import { SOURCE_METADATA } from '@s3-pipelines/s3-stream';
import type { WriteRecord } from './faultProxy';

/**
 * The write after which a function counts an object as done (its idempotency marker, as each
 * contract documents it): two of these for one source version, from two separate SDK calls,
 * mean the object was processed twice. Earlier writes of a set (renditions before the manifest)
 * may be redone by design after a failed attempt.
 */
export function isCompletingWrite(fn: string, write: WriteRecord): boolean {
  switch (fn) {
    case 'checksum':
      return write.key.endsWith('.md5');
    case 'metadata':
      return write.key.endsWith('.metadata.json');
    case 'compress':
      // The archive is compress's one write (docs/compress.md): a PUT or a completed upload.
      return write.metadata[SOURCE_METADATA.processor] === 'compress';
    case 'image-resize':
      return write.key.endsWith('/manifest.json');
    default:
      return false;
  }
}
