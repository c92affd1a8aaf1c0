import { randomBytes } from 'node:crypto';

/** Messages S3 itself sends with these codes. */
const MESSAGES: Record<string, string> = {
  InternalError: 'We encountered an internal error. Please try again.',
  SlowDown: 'Please reduce your request rate.',
  PreconditionFailed: 'At least one of the pre-conditions you specified did not hold',
};

/** An S3 error document, as S3 sends it (the SDK reads `Code` into the error's name). */
export function s3ErrorBody(code: string, resource: string): string {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${MESSAGES[code] ?? code}</Message>` +
    `<Resource>${resource.replace(/[<>&]/g, '')}</Resource><RequestId>${requestId}</RequestId></Error>`
  );
}
