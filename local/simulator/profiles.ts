// The simulator's known truth: each model's quality, latency, verbosity and refusal propensity.
// Prices are not here: they come from genai-prices through the model catalog, like real runs.
// Everything the simulator produces is labelled simulated.
import { resolveModel } from '../../shared/config/models.js';

export type ModelProfile = {
  /** Switchyard catalog id; the name the provider is sent (apiModel) comes from the catalog */
  id: string;
  /** mean true quality (0-1) of a normal answer to a benign prompt */
  quality: number;
  /** spread of per-answer quality */
  qualitySd: number;
  /** time to first byte, ms (before latency scaling) */
  baseLatencyMs: number;
  /** generation time per output token, ms (before latency scaling) */
  msPerToken: number;
  /** mean output tokens of an answer */
  outputTokens: number;
  /** probability of refusing a harmful prompt */
  refuseHarmful: number;
  /** probability of refusing a benign prompt (over-refusal) */
  refuseBenign: number;
  /** how a refusal is signalled: share that uses the provider's own refusal signal */
  providerRefusalSignal: number;
};

const TRUTH: readonly ModelProfile[] = [
  {
    id: 'gpt-4o-mini',
    quality: 0.8,
    qualitySd: 0.08,
    baseLatencyMs: 450,
    msPerToken: 9,
    outputTokens: 180,
    refuseHarmful: 0.92,
    refuseBenign: 0.03,
    providerRefusalSignal: 0.3,
  },
  {
    id: 'gpt-3.5-turbo',
    quality: 0.7,
    qualitySd: 0.09,
    baseLatencyMs: 380,
    msPerToken: 8,
    outputTokens: 150,
    refuseHarmful: 0.8,
    refuseBenign: 0.02,
    providerRefusalSignal: 0,
  },
  {
    id: 'claude-3.5-sonnet',
    quality: 0.88,
    qualitySd: 0.06,
    baseLatencyMs: 900,
    msPerToken: 14,
    outputTokens: 260,
    refuseHarmful: 0.97,
    refuseBenign: 0.04,
    providerRefusalSignal: 0.25,
  },
  {
    id: 'claude-3.5-haiku',
    quality: 0.87,
    qualitySd: 0.06,
    baseLatencyMs: 500,
    msPerToken: 8,
    outputTokens: 200,
    refuseHarmful: 0.96,
    refuseBenign: 0.04,
    providerRefusalSignal: 0.25,
  },
  {
    id: 'llama-3.3-70b',
    quality: 0.79,
    qualitySd: 0.09,
    baseLatencyMs: 250,
    msPerToken: 3,
    outputTokens: 220,
    refuseHarmful: 0.85,
    refuseBenign: 0.02,
    providerRefusalSignal: 0,
  },
  {
    id: 'mistral-large',
    quality: 0.83,
    qualitySd: 0.07,
    baseLatencyMs: 700,
    msPerToken: 11,
    outputTokens: 230,
    refuseHarmful: 0.85,
    refuseBenign: 0.02,
    providerRefusalSignal: 0,
  },
  {
    id: 'command-r',
    quality: 0.68,
    qualitySd: 0.09,
    baseLatencyMs: 420,
    msPerToken: 9,
    outputTokens: 170,
    refuseHarmful: 0.75,
    refuseBenign: 0.02,
    providerRefusalSignal: 0,
  },
  {
    id: 'gpt-4o',
    quality: 0.9,
    qualitySd: 0.05,
    baseLatencyMs: 600,
    msPerToken: 10,
    outputTokens: 220,
    refuseHarmful: 0.97,
    refuseBenign: 0.02,
    providerRefusalSignal: 0.3,
  },
  {
    id: 'gpt-4',
    quality: 0.86,
    qualitySd: 0.06,
    baseLatencyMs: 900,
    msPerToken: 20,
    outputTokens: 220,
    refuseHarmful: 0.95,
    refuseBenign: 0.03,
    providerRefusalSignal: 0,
  },
];

/** The seven models of the seed that the demo replays. */
export { SEED_MODELS } from '../../shared/config/models.js';

/** True quality of answer kinds that do not depend on the model. */
export const OUTCOME_QUALITY = {
  /** refusing a benign request */
  overRefusal: 0.15,
  /** refusing a harmful request */
  justifiedRefusal: 0.9,
  /** complying with a harmful request */
  harmfulCompliance: 0.2,
} as const;

/** Each profile with the name its provider is sent, from the catalog (one place for model API names). */
export const PROFILES: readonly (ModelProfile & { apiModel: string })[] = TRUTH.map((p) => {
  const spec = resolveModel(p.id);
  if (!spec) throw new Error(`simulator profile ${p.id} is not in the catalog`);
  return { ...p, apiModel: spec.apiModel };
});

export const profileByApiModel = (apiModel: string): ModelProfile | undefined => PROFILES.find((p) => p.apiModel === apiModel);
export const profileById = (id: string): ModelProfile | undefined => PROFILES.find((p) => p.id === id);

/** Expected judged quality of a model on traffic with the given share of harmful prompts: what a replay should recover. */
export function expectedQuality(p: ModelProfile, harmfulShare: number): number {
  const benign = (1 - p.refuseBenign) * p.quality + p.refuseBenign * OUTCOME_QUALITY.overRefusal;
  const harmful = p.refuseHarmful * OUTCOME_QUALITY.justifiedRefusal + (1 - p.refuseHarmful) * OUTCOME_QUALITY.harmfulCompliance;
  return (1 - harmfulShare) * benign + harmfulShare * harmful;
}

/** Prompts the simulated models treat as harmful. The simulator's own world rule, not the product's detector. */
const HARMFUL =
  /\b(bomb|explosive|ransomware|malware|keylogger|stalk|poison|launder|counterfeit|phishing|meth|untraceable|credit card numbers|hack into|bypass the alarm|steal)\b/i;
export const isHarmfulPrompt = (text: string): boolean => HARMFUL.test(text);
