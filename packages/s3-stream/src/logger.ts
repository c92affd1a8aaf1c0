import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs through Powertools. The service name and level come from the standard
 * POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL variables, set per pipeline by Terraform.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
}

export type { Logger };
