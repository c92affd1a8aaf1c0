import { z } from 'zod';
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

/** An on/off setting: `true|false`, `1|0` or `yes|no`, any case. (z.coerce.boolean reads "false" as true.) */
export function envFlag(fallback: boolean) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .default(String(fallback))
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
}

/** A comma-separated list, trimmed and lower-cased; unset means `fallback`, empty means none. */
export function envList(fallback = '') {
  return z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim().toLowerCase())
        .filter(Boolean),
    );
}

/**
 * The pipeline's trigger filters, which Terraform and the local stack set on every function from
 * its prefix and suffix; every function config spreads these in. compress, whose archive keys are
 * relative to the prefix, has its own default.
 */
export function triggerSettings(defaultPrefix = '') {
  return {
    TRIGGER_PREFIX: z.string().default(defaultPrefix),
    TRIGGER_SUFFIX: z.string().default(''),
  };
}

/** The trigger a config built with triggerSettings names, in the handler's terms. */
export function triggerOf(config: { TRIGGER_PREFIX: string; TRIGGER_SUFFIX: string }) {
  return { prefix: config.TRIGGER_PREFIX, suffix: config.TRIGGER_SUFFIX };
}
