export { startLocalStack, DEFAULT_PORT, DEFAULT_VAR_FILE } from './stack';
export type { LocalStack, LocalStackOptions } from './stack';
export type { Invocation, Outcome } from './delivery';
export { ConfigError, LocalStackError, MissingArtifactError, PortInUseError } from './errors';
export { loadTfvars, parseTfvars, realBucketName } from './tfvars';
export type { Tfvars } from './tfvars';
export { buildRoutes, matches, routesFor, validatedRoutes } from './routing';
export type { Route } from './routing';
