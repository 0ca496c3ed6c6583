// Where a function runs and how it reaches its infrastructure: the one input every composition root takes. On AWS it
// is read from the environment once per cold start; the local stack and the CLI build one for the emulators.

import { Logger } from '@aws-lambda-powertools/logger';
import { EmfMetrics } from '../adapters/powertools-metrics.js';
import { DEFAULT_SETTINGS, type GatewayConfig, HOSTED_PORTKEY_URL, mergeSettings, type Settings, SettingsOverrideSchema } from '../config/settings.js';
import type { Clock, Log, Metrics } from '../ports/index.js';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import type { Ports } from '../use-cases/deps.js';

type Credentials = { accessKeyId: string; secretAccessKey: string };

export type Platform = {
  region: string;
  table: string;
  /** emulator endpoints and credentials (local stack); on AWS the SDK's defaults apply, AWS_ENDPOINT_URL_* included */
  endpoints?: { dynamodb?: string; sqs?: string };
  credentials?: Credentials;
  queueUrl?: string;
  stateMachineArn?: string;
  /** the gateway: a ready configuration (local), or a base URL and the secret that holds the keys (AWS) */
  gateway: { config: GatewayConfig } | { baseURL: string; secretArn?: string };
  settings: Settings;
  log: Log;
  clock: Clock;
  /** business metrics (EMF on AWS); absent: none are emitted */
  metrics?: Metrics;
  /** ports given ready-made instead of built (the local stack's state machine, test fault hooks) */
  overrides?: Partial<Ports>;
};

/** Thrown when a function is deployed without the environment it needs. */
export class ConfigurationError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'ConfigurationError';
  }
}

const EnvSchema = onFirstUse(() =>
  z.object({
    AWS_REGION: z.string().check(z.minLength(1)),
    TABLE_NAME: z.string().check(z.minLength(1)),
    QUEUE_URL: z.optional(z.string()),
    STATE_MACHINE_ARN: z.optional(z.string()),
    GATEWAY_BASE_URL: z._default(z.url(), HOSTED_PORTKEY_URL),
    PROVIDER_SECRET_ARN: z.optional(z.string()),
    SETTINGS_JSON: z.optional(z.string()),
    /** the cdk.json environment: the metrics' `environment` dimension */
    SWITCHYARD_ENV: z._default(z.string().check(z.minLength(1)), 'unknown'),
  }),
);

function powertoolsLog(): Log {
  const logger = new Logger({ serviceName: 'switchyard' });
  return {
    info: (m, a) => logger.info(m, a ?? {}),
    warn: (m, a) => logger.warn(m, a ?? {}),
    error: (m, a) => logger.error(m, a ?? {}),
  };
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };

/** The deployed function's platform, from its environment (cdk/stateless-stack.ts sets these variables). */
export function platformFromEnv(env: NodeJS.ProcessEnv = process.env): Platform {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigurationError(`environment: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, parsed.error);
  const e = parsed.data;
  const override = SettingsOverrideSchema.safeParse(e.SETTINGS_JSON ? JSON.parse(e.SETTINGS_JSON) : {});
  if (!override.success) throw new ConfigurationError('SETTINGS_JSON does not match the settings schema', override.error);
  return {
    region: e.AWS_REGION,
    table: e.TABLE_NAME,
    queueUrl: e.QUEUE_URL,
    stateMachineArn: e.STATE_MACHINE_ARN,
    gateway: { baseURL: e.GATEWAY_BASE_URL, secretArn: e.PROVIDER_SECRET_ARN },
    settings: mergeSettings(DEFAULT_SETTINGS, override.data),
    log: powertoolsLog(),
    clock: { now: () => Date.now() },
    metrics: new EmfMetrics({ environment: e.SWITCHYARD_ENV }),
  };
}
