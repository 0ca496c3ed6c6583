// Default settings and how secrets/env map onto the gateway configuration. One place for every default.
import { z } from 'zod';
import { DEFAULT_RUBRIC_WEIGHTS } from '../domain/judge.js';
import { DEFAULT_POLICY } from '../domain/recommendation.js';
import type { GatewayConfig } from '../adapters/portkey-gateway.js';
import type { Settings } from '../use-cases/deps.js';

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
  judgeConcurrency: 8,
  retentionDays: 30,
  segmentTag: 'use_case',
  // Conservative defaults well under the providers' published tier-1 limits; raise them in cdk.json settings.
  providerLimits: {
    openai: { maxConcurrency: 20, rpm: 500, tpm: 200_000 },
    anthropic: { maxConcurrency: 10, rpm: 50, tpm: 40_000 },
    groq: { maxConcurrency: 10, rpm: 30, tpm: 6_000 },
    'mistral-ai': { maxConcurrency: 5, rpm: 60, tpm: 500_000 },
  },
  simulated: false,
};

const PriceOverrideSchema = z.object({
  input_mtok: z.number().nonnegative(),
  output_mtok: z.number().nonnegative(),
  cache_read_mtok: z.number().nonnegative().optional(),
  cache_write_mtok: z.number().nonnegative().optional(),
});

export const SettingsOverrideSchema = z
  .object({
    callTimeoutMs: z.number().int().min(1000),
    maxAttempts: z.number().int().min(1).max(20),
    leaseMs: z.number().int().min(1000),
    backoffBaseSeconds: z.number().min(0),
    backoffMaxSeconds: z.number().min(1),
    priceOverrides: z.record(z.string(), PriceOverrideSchema),
    policy: z
      .object({
        minCostReductionPercent: z.number(),
        minQualityImpactPercent: z.number(),
        useQualityLowerBound: z.boolean(),
        maxRefusalIncreasePoints: z.number(),
        maxErrorRatePercent: z.number(),
      })
      .partial(),
    rubricWeights: z.object({ accuracy: z.number().min(0), relevance: z.number().min(0), clarity: z.number().min(0) }),
    judgeBatch: z.number().int().min(1),
    judgeLook: z.number().int().min(1),
    sequentialJudging: z.boolean(),
    confirmRecommended: z.boolean(),
    pairwiseJudging: z.boolean(),
    judgeConcurrency: z.number().int().min(1).max(64),
    retentionDays: z.number().int().min(1),
    segmentTag: z.string().min(1),
    providerLimits: z.record(
      z.string(),
      z.object({ maxConcurrency: z.number().int().min(1).optional(), rpm: z.number().int().min(1).optional(), tpm: z.number().int().min(1).optional() }),
    ),
  })
  .partial();

export function mergeSettings(base: Settings, override: z.infer<typeof SettingsOverrideSchema>): Settings {
  return { ...base, ...override, policy: { ...base.policy, ...override.policy } } as Settings;
}

/** Environment variable that holds each provider's key (self-hosted gateway or hosted Portkey without virtual keys). */
export const PROVIDER_KEY_VARS: Readonly<Record<string, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  groq: 'GROQ_API_KEY',
  'mistral-ai': 'MISTRAL_API_KEY',
  cohere: 'COHERE_API_KEY',
};

export const HOSTED_PORTKEY_URL = 'https://api.portkey.ai/v1';

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
