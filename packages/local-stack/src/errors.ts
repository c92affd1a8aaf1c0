/** Base class, so that the CLI can tell a user's mistake from a crash. */
export class LocalStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackError';
  }
}

/** The tfvars file is unreadable, malformed, or a config Terraform would reject at plan time. */
export class TfvarsError extends LocalStackError {
  constructor(message: string) {
    super(message);
    this.name = 'TfvarsError';
  }
}

/** dist/ does not hold the artifacts the config needs. */
export class MissingArtifactError extends LocalStackError {
  constructor(path: string) {
    super(`${path} is missing: run \`npm run build\` (tsx scripts/build.ts) first.`);
    this.name = 'MissingArtifactError';
  }
}

/** The requested port is already in use. */
export class PortInUseError extends LocalStackError {
  constructor(port: number) {
    super(`port ${port} on 127.0.0.1 is already in use: stop what holds it, or pass --port <n>.`);
    this.name = 'PortInUseError';
  }
}

/** The command line is wrong (an unknown flag, a bad value): the CLI prints its usage, exit 2. */
export class UsageError extends LocalStackError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
