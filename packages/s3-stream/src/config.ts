import type { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Validates a function's environment once, at cold start. A bad value fails with a message that
 * names the variable, so a wrong tfvars setting is found in the first log line.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(problems.join('; '));
}
