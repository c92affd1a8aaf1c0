import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { mapBounded } from '@s3-pipelines/s3-stream';
import { createReadStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeContent } from './content';
import type { Images } from './images';
import { Prng } from './random';
import type { PlannedObject, UploadedObject, WrittenVersion } from './types';

const MiB = 1024 * 1024;
/** Above this the driver uploads in parts, as the CLI does; parts stay under fauxqs's 11 MiB. */
const MULTIPART_ABOVE = 8 * MiB;

export interface UploadOptions {
  s3: S3Client;
  /** Logical -> real bucket name. */
  buckets: Record<string, string>;
  planned: PlannedObject[];
  /** Where writeWorkloadFiles put every version's bytes. */
  dir: string;
  seed: number;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}

const bare = (eTag: string | undefined) => (eTag ?? '').replace(/"/g, '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const versionFile = (dir: string, object: PlannedObject, n: number) =>
  join(dir, `${object.index}-v${n + 1}`);

/**
 * Writes every planned version's bytes to `dir`, before the stack starts: making tens of MiB of
 * text is synchronous work, and done during the run it would stall the event loop that also
 * runs the stack's deliveries and timers (the run would then measure our harness, not them).
 */
export function writeWorkloadFiles(
  planned: PlannedObject[],
  dir: string,
  seed: number,
  images: Images,
): void {
  mkdirSync(dir, { recursive: true });
  for (const object of planned)
    object.versions.forEach((version, n) =>
      writeContent(
        versionFile(dir, object, n),
        version,
        seed,
        `object ${object.index} v${n + 1}`,
        images,
      ),
    );
}

/**
 * Uploads the planned objects through the stack's endpoint (so each write raises an event), in
 * an order from the seed, and does to each what its scenario says while its event is in flight.
 */
export async function uploadWorkload(options: UploadOptions): Promise<UploadedObject[]> {
  const { s3, buckets, dir, seed } = options;
  const order = new Prng(seed, 'upload order').shuffle(options.planned);
  let done = 0;

  const put = async (object: PlannedObject, file: string): Promise<string> => {
    const params = {
      Bucket: buckets[object.bucket]!,
      Key: object.key,
      ContentType: object.contentType,
      Metadata: object.metadata,
    };
    if (statSync(file).size > MULTIPART_ABOVE) {
      const upload = new Upload({
        client: s3,
        params: { ...params, Body: createReadStream(file) },
        partSize: MULTIPART_ABOVE,
        queueSize: 2,
      });
      return bare((await upload.done()).ETag);
    }
    const answer = await s3.send(new PutObjectCommand({ ...params, Body: readFileSync(file) }));
    return bare(answer.ETag);
  };

  const uploaded = await mapBounded(order, options.concurrency, async (object) => {
    const written: WrittenVersion[] = [];
    const writeVersion = async (n: number) => {
      const file = versionFile(dir, object, n);
      written.push({ eTag: await put(object, file), file, size: statSync(file).size });
    };
    let deleted = false;
    let sameStateTwice: boolean | undefined;
    // Both writes of a twice-written object in one second of Last-Modified: the second
    // notification then announces the very state the first did (same ETag, size and
    // Last-Modified), as a redelivery would.
    if (object.scenario === 'twice') while (Date.now() % 1000 > 300) await sleep(25);
    const began = Date.now();
    await writeVersion(0);
    if (object.scenario === 'overwritten') await writeVersion(1);
    if (object.scenario === 'deleted') {
      await s3.send(new DeleteObjectCommand({ Bucket: buckets[object.bucket]!, Key: object.key }));
      deleted = true;
    }
    if (object.scenario === 'twice') {
      const again = await put(object, written[0]!.file);
      // The emulator stamps Last-Modified from this machine's clock, in whole seconds (HTTP
      // dates): two writes that began and ended within one second share it.
      sameStateTwice =
        again === written[0]!.eTag && Math.floor(began / 1000) === Math.floor(Date.now() / 1000);
    }
    done += 1;
    options.onProgress?.(done, order.length);
    return {
      ...object,
      written,
      deleted,
      ...(sameStateTwice !== undefined ? { sameStateTwice } : {}),
    };
  });
  return uploaded.sort((a, b) => a.index - b.index);
}
