// The per-environment configuration read from cdk.json context, validated.
import * as z from '../shared/schemas/zod.js';

export const EnvironmentConfigSchema = z.object({
  account: z.optional(z.string()),
  region: z.string().check(z.minLength(1)),
  retentionDays: z.number().check(z.int(), z.gte(1)),
  logRetentionDays: z.number().check(z.int(), z.gte(1)),
  /** RETAIN on delete, deletion protection on the table, termination protection on the stateful stack */
  retainData: z.boolean(),
  /** a customer-managed KMS key (rotation on) for the table, the queues and the alarm topic; otherwise AWS-owned keys */
  customerManagedKey: z.boolean(),
  /** DynamoDB point-in-time recovery (35 days of restores) */
  pointInTimeRecovery: z.boolean(),
  /** subscribed to the alarm topic (confirm the subscription e-mail after deploy) */
  alarmEmail: z.optional(z.email()),
  gatewayBaseUrl: z.url(),
  /** NODE_OPTIONS=--enable-source-maps on every function: TypeScript stack traces, at ~1.5× the cold import (README) */
  sourceMaps: z.optional(z.boolean()),
  workerMaxConcurrency: z.number().check(z.int(), z.gte(2), z.lte(1000)),
  settings: z.optional(z.record(z.string(), z.unknown())),
  /** HTTP API: the authorizer's result cache (how long a revoked token keeps working) and the stage's throttle */
  api: z.optional(
    z.object({
      authorizerCacheSeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(3600))),
      throttle: z.optional(z.partial(z.object({ rateLimit: z.number().check(z.gte(1)), burstLimit: z.number().check(z.int(), z.gte(1)) }))),
    }),
  ),
  schedule: z.object({
    enabled: z.boolean(),
    expression: z.string().check(z.minLength(1)),
    tenantId: z.string().check(z.minLength(1)),
    replay: z.record(z.string(), z.unknown()),
  }),
});
/** An environment's configuration and its name (`-c env=NAME`). */
export type EnvironmentConfig = z.infer<typeof EnvironmentConfigSchema> & { name: string };

/** The HTTP API's defaults when an environment sets no `api`: a revoked token works for at most 60 s more. */
export const API_DEFAULTS = { authorizerCacheSeconds: 60, throttle: { rateLimit: 200, burstLimit: 400 } };

export function environmentConfig(all: unknown, name: string): EnvironmentConfig {
  const envs = z.record(z.string(), z.unknown()).parse(all ?? {});
  if (!(name in envs)) throw new Error(`unknown environment "${name}"; cdk.json defines: ${Object.keys(envs).join(', ')}`);
  return { ...EnvironmentConfigSchema.parse(envs[name]), name };
}
