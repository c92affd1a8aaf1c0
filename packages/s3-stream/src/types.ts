/** An object an event says was created, with the key already URL-decoded. */
export interface ObjectRef {
  bucket: string;
  key: string;
  /** Bytes, as the event announced them (absent in S3 Batch tasks). */
  size?: number;
  /** Bare ETag (no quotes), as the event announced it. */
  eTag?: string;
  /** Present when the bucket is versioned. */
  versionId?: string;
  sequencer?: string;
}

/** What S3 said about the exact version being read. */
export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  /** Bare ETag of the version being read. */
  eTag: string;
  versionId?: string;
  contentType?: string;
  lastModified?: Date;
  metadata: Record<string, string>;
}
