import { httpStatus } from '../errors';

/** 404 (deleted, or version gone) and 412 (replaced since the event) mean: nothing to read. */
export function isGone(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 404 || status === 412;
}
