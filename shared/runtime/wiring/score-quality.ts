// Composition root of ScoreQuality: the only aggregate state that calls a model (the judge), so the only one that
// loads the gateway and the limiter.
import type { ScoreQualityDeps } from '../../use-cases/aggregate/score-quality.js';
import { captureStore, judgeCache, limiter, resultStore, runStore } from '../build/dynamo.js';
import { llmGateway } from '../build/llm.js';
import { clock, settings, type Wiring } from '../wiring.js';

export const scoreQualityWiring: Wiring<ScoreQualityDeps> = {
  runs: runStore,
  results: resultStore,
  captures: captureStore,
  llm: llmGateway,
  limiter,
  judgeCache,
  clock,
  settings,
};
