// State ScoreQuality — judges a bounded batch of answers and returns a cursor; the state machine loops.
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { scoreQualityWiring } from '../../shared/runtime/wiring/score-quality.js';
import { ScoringStepSchema } from '../../shared/schemas/messages.js';
import { type ScoreQualityDeps, scoreQuality } from '../../shared/use-cases/aggregate/score-quality.js';

export const makeScoreQuality = (getDeps: () => Promise<ScoreQualityDeps>) => async (input: unknown) =>
  scoreQuality(await getDeps(), ScoringStepSchema.parse(input));
export const handler = makeScoreQuality(fromEnvironment(scoreQualityWiring));
