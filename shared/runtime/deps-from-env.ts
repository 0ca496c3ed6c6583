// Composition root for the deployed Lambdas: reads the environment once per cold start and builds Deps.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoCaptureStore } from '../adapters/dynamodb/capture-store.js';
import { DynamoResultStore } from '../adapters/dynamodb/result-store.js';
import { DynamoRunStore } from '../adapters/dynamodb/run-store.js';
import { DynamoTokenStore } from '../adapters/dynamodb/token-store.js';
import { DynamoLimiter } from '../adapters/dynamodb/limiter.js';
import { PortkeyGateway } from '../adapters/portkey-gateway.js';
import { StepFunctionsWorkflow } from '../adapters/sfn-workflow.js';
import { SqsWorkQueue } from '../adapters/sqs-queue.js';
import { DEFAULT_SETTINGS, HOSTED_PORTKEY_URL, SettingsOverrideSchema, gatewayConfigFrom, mergeSettings } from '../config/settings.js';
import type { Deps, Log } from '../use-cases/deps.js';
import type { Workflow, WorkQueue } from '../ports/index.js';

const EnvSchema = z.object({
  AWS_REGION: z.string().min(1),
  TABLE_NAME: z.string().min(1),
  QUEUE_URL: z.string().optional(),
  STATE_MACHINE_ARN: z.string().optional(),
  GATEWAY_BASE_URL: z.string().url().default(HOSTED_PORTKEY_URL),
  PROVIDER_SECRET_ARN: z.string().optional(),
  SETTINGS_JSON: z.string().optional(),
});

/** Thrown when a function is deployed without the environment it needs. */
export class ConfigurationError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'ConfigurationError';
  }
}

function powertoolsLog(): Log {
  const logger = new Logger({ serviceName: 'switchyard' });
  return {
    info: (m, a) => logger.info(m, a ?? {}),
    warn: (m, a) => logger.warn(m, a ?? {}),
    error: (m, a) => logger.error(m, a ?? {}),
  };
}

const unavailable = (what: string) => () => {
  throw new ConfigurationError(`${what} is not configured for this function`);
};

async function loadSecrets(arn: string | undefined, region: string): Promise<Record<string, string>> {
  if (!arn) return {};
  const out = await new SecretsManagerClient({ region }).send(new GetSecretValueCommand({ SecretId: arn }));
  const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(out.SecretString ?? '{}'));
  if (!parsed.success) throw new ConfigurationError('provider secret must be a JSON object of strings');
  return parsed.data;
}

export async function depsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Deps> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigurationError(`environment: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, parsed.error);
  const e = parsed.data;
  const override = SettingsOverrideSchema.parse(e.SETTINGS_JSON ? JSON.parse(e.SETTINGS_JSON) : {});
  const settings = mergeSettings(DEFAULT_SETTINGS, override);
  const db = createDocumentClient({ region: e.AWS_REGION });
  const secrets = await loadSecrets(e.PROVIDER_SECRET_ARN, e.AWS_REGION);
  const queue: WorkQueue = e.QUEUE_URL
    ? new SqsWorkQueue({ region: e.AWS_REGION, queueUrl: e.QUEUE_URL })
    : { enqueue: unavailable('QUEUE_URL'), delay: unavailable('QUEUE_URL') };
  const workflow: Workflow = e.STATE_MACHINE_ARN
    ? new StepFunctionsWorkflow(e.STATE_MACHINE_ARN, e.AWS_REGION)
    : { startAggregation: unavailable('STATE_MACHINE_ARN') };
  return {
    captures: new DynamoCaptureStore(db, e.TABLE_NAME, settings.retentionDays),
    tokens: new DynamoTokenStore(db, e.TABLE_NAME),
    runs: new DynamoRunStore(db, e.TABLE_NAME, settings.retentionDays),
    results: new DynamoResultStore(db, e.TABLE_NAME, settings.retentionDays),
    limiter: new DynamoLimiter(db, e.TABLE_NAME),
    queue,
    llm: new PortkeyGateway(gatewayConfigFrom(secrets, e.GATEWAY_BASE_URL)),
    workflow,
    clock: { now: () => Date.now() },
    log: powertoolsLog(),
    settings,
  };
}

let cached: Promise<Deps> | undefined;
/** Deps built once per cold start and shared by every invocation of the container. */
export const lazyDeps = (): Promise<Deps> => (cached ??= depsFromEnv());
