/**
 * S3 APIs quote ETags (`"abc"`) and events do not (`abc`). Refs and infos keep them bare so they
 * compare equal; requests that pin on one (If-Match, CopySourceIfMatch) quote it again.
 */
export function bareETag(eTag: string | undefined): string | undefined {
  return eTag === undefined ? undefined : eTag.replace(/^"|"$/g, '');
}

/** The quoted form conditional requests carry, or undefined when there is no ETag to pin on. */
export function quotedETag(eTag: string | undefined): string | undefined {
  return eTag ? `"${eTag}"` : undefined;
}
