/** What an object's bytes are. `folder` is a zero-byte key ending in `/` (a console folder). */
export type ContentKind = 'text' | 'random' | 'jpeg' | 'png' | 'gzip' | 'folder';

/**
 * What happens to an object after its first write, while its event is still in flight:
 * `overwritten` (a second, different version right away), `deleted` (deleted right away),
 * `twice` (the same bytes written again within the same second, so both notifications announce
 * one and the same object state: see docs/chaos.md on duplicate delivery).
 */
export type Scenario = 'plain' | 'overwritten' | 'deleted' | 'twice';

export interface VersionPlan {
  kind: ContentKind;
  /** Bytes asked for; a gzip or image file has the size it has. */
  size: number;
  /** Which of the images made for the run (images.ts), for jpeg and png. */
  image?: number;
}

/** Which pipeline an object is meant for: the function the workload aims it at. */
export type Target = 'checksum' | 'compress' | 'image-resize';

export interface PlannedObject {
  index: number;
  target: Target;
  /** Logical bucket name, as in tfvars. */
  bucket: string;
  key: string;
  contentType?: string;
  metadata?: Record<string, string>;
  scenario: Scenario;
  /** One version, or two for `overwritten`. */
  versions: VersionPlan[];
}

export interface WrittenVersion {
  /** Bare ETag S3 answered. */
  eTag: string;
  /** Our copy of the bytes, to compare what the pipelines made with what was sent. */
  file: string;
  size: number;
}

export interface UploadedObject extends PlannedObject {
  written: WrittenVersion[];
  deleted: boolean;
  /** For `twice`: whether both writes left the same Last-Modified (HEAD), i.e. one state. */
  sameStateTwice?: boolean;
}
