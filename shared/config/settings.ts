// Settings: one schema for every tunable, its defaults, and how an environment's override (cdk.json) merges in.

import { DEFAULT_POLICY, PolicyOverrideSchema, PolicySchema } from '../domain/criteria/index.js';
import { DEFAULT_RUBRIC_WEIGHTS } from '../domain/judge.js';
import { JudgeCascadeSchema } from '../domain/judge-cascade.js';
import { ProviderLimitsSchema } from '../domain/limits.js';
import { RateLimitSchema } from '../domain/rate-limit.js';
import { PriceOverrideSchema } from '../domain/usage.js';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import { DEFAULT_PROVIDER_LIMITS, PROVIDER_KEY_VARS } from './models.js';

export const SettingsSchema = onFirstUse(() =>
  z.object({
    /** provider call timeout */
    callTimeoutMs: z.number().check(z.int(), z.gte(1000)),
    /** attempts before a retryable failure is stored as an error */
    maxAttempts: z.number().check(z.int(), z.gte(1), z.lte(20)),
    /** how long a worker holds a (run, capture, model) slot */
    leaseMs: z.number().check(z.int(), z.gte(1000)),
    /** base and cap of the retry backoff, seconds */
    backoffBaseSeconds: z.number().check(z.gte(0)),
    backoffMaxSeconds: z.number().check(z.gte(1)),
    priceOverrides: z.record(z.string(), PriceOverrideSchema),
    policy: PolicySchema,
    rubricWeights: z.object({ accuracy: z.number().check(z.gte(0)), relevance: z.number().check(z.gte(0)), clarity: z.number().check(z.gte(0)) }),
    /** stop judging a candidate once its quality decision is settled (valid under repeated looks) */
    sequentialJudging: z.boolean(),
    /** after sequential judging, judge the recommended model's remaining answers and decide again on the full sample */
    confirmRecommended: z.boolean(),
    /** also judge each candidate answer against the baseline's, in both orders (win/tie/loss rates) */
    pairwiseJudging: z.boolean(),
    /**
     * pairwise verdicts for each candidate on its first N paired prompts only (rounded up to whole sequential looks);
     * null: on every judged pair. They are reported (win/tie/loss) and never decide, so a sample describes them
     */
    pairwiseSample: z._default(z.nullable(z.number().check(z.int(), z.gte(1))), null),
    /** keep judge replies by a hash of (judge, prompt, answer) so a re-run does not pay twice for an identical answer */
    cacheJudgeReplies: z._default(z.boolean(), true),
    /**
     * cheap-judge-first cascade for runs that do not set `judge_cascade`: the cheap model judges first, the run's judge
     * model only where the cheap verdict is close or inconsistent; null: every verdict from the run's judge model.
     * The default (gpt-4o-mini, margin 0, no pairwise escalation) asks the run's judge only for replies the cheap judge
     * could not get into shape: see docs/design.md, "What judging costs"
     */
    judgeCascade: z.nullable(JudgeCascadeSchema),
    /** judge calls per ScoreQuality invocation */
    judgeBatch: z.number().check(z.int(), z.gte(1)),
    /** prompts per sequential look: small enough that a clear decision can stop judging early */
    judgeLook: z.number().check(z.int(), z.gte(1)),
    /** judge calls in flight at once in one ScoreQuality invocation */
    judgeConcurrency: z.number().check(z.int(), z.gte(1), z.lte(64)),
    retentionDays: z.number().check(z.int(), z.gte(1)),
    /** capture tag whose values split recommendations into segments (e.g. use_case) */
    segmentTag: z.string().check(z.minLength(1)),
    /** per provider (or "model:<id>") concurrency, requests/min, tokens/min */
    providerLimits: ProviderLimitsSchema,
    /** per-tenant request rate on the HTTP API (a token bucket in DynamoDB shared by every container): over it → 429 */
    tenantRateLimit: RateLimitSchema,
    /** true when the providers behind the gateway are the simulator (set by the local stack, never by configuration) */
    simulated: z.boolean(),
  }),
);
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  callTimeoutMs: 60_000,
  maxAttempts: 5,
  leaseMs: 120_000,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 300,
  priceOverrides: {},
  policy: DEFAULT_POLICY,
  rubricWeights: DEFAULT_RUBRIC_WEIGHTS,
  judgeBatch: 400,
  judgeLook: 50,
  sequentialJudging: true,
  confirmRecommended: true,
  pairwiseJudging: true,
  pairwiseSample: 50,
  cacheJudgeReplies: true,
  judgeCascade: { cheap_model: 'gpt-4o-mini', margin: 0, escalate_pairwise: false },
  judgeConcurrency: 8,
  retentionDays: 30,
  segmentTag: 'use_case',
  providerLimits: DEFAULT_PROVIDER_LIMITS,
  tenantRateLimit: { ratePerSecond: 50, burst: 200 },
  simulated: false,
};

/** An environment's override: any subset; the policy merges key by key over the default policy. */
export const SettingsOverrideSchema = onFirstUse(() =>
  z.partial(z.extend(z.omit(SettingsSchema, { simulated: true, policy: true }), { policy: PolicyOverrideSchema })),
);
export type SettingsOverride = z.infer<typeof SettingsOverrideSchema>;

export function mergeSettings(base: Settings, override: SettingsOverride): Settings {
  return { ...base, ...override, policy: { ...base.policy, ...override.policy } };
}

/** Which provider key each provider reads (self-hosted gateway); re-exported for the callers that map env vars. */
export { PROVIDER_KEY_VARS };

export const HOSTED_PORTKEY_URL = 'https://api.portkey.ai/v1';

/** How the gateway adapter reaches Portkey and the providers behind it. */
export type GatewayConfig = {
  /** e.g. http://127.0.0.1:8787/v1 (self-hosted gateway) or https://api.portkey.ai/v1 (hosted) */
  baseURL: string;
  portkeyApiKey?: string;
  /** Portkey virtual keys per provider slug (hosted Portkey). */
  virtualKeys?: Record<string, string>;
  /** Provider API keys per provider slug (self-hosted gateway, or hosted without virtual keys). */
  providerKeys?: Record<string, string>;
  /** Custom provider hosts per provider slug (the simulator, or an OpenAI-compatible endpoint). */
  customHosts?: Record<string, string>;
  /** Portkey headers the gateway passes on to the provider (the local stack: so the simulator records what Portkey logs). */
  forwardHeaders?: string[];
  fetch?: typeof fetch;
};

/** Builds the gateway configuration from a flat map of secrets (env vars or a Secrets Manager JSON). */
export function gatewayConfigFrom(source: Readonly<Record<string, string | undefined>>, baseURL: string): GatewayConfig {
  const providerKeys: Record<string, string> = {};
  for (const [provider, name] of Object.entries(PROVIDER_KEY_VARS)) {
    const value = source[name];
    if (value) providerKeys[provider] = value;
  }
  const virtualKeys = source.PORTKEY_VIRTUAL_KEYS ? z.record(z.string(), z.string()).parse(JSON.parse(source.PORTKEY_VIRTUAL_KEYS)) : undefined;
  const customHosts = source.SWITCHYARD_CUSTOM_HOSTS ? z.record(z.string(), z.string()).parse(JSON.parse(source.SWITCHYARD_CUSTOM_HOSTS)) : undefined;
  return { baseURL, portkeyApiKey: source.PORTKEY_API_KEY, providerKeys, virtualKeys, customHosts };
}
