// State ScoreQuality — judges a bounded batch of answers and returns a cursor; the state machine loops.
import { ScoringStepSchema } from '../../shared/schemas/messages.js';
import { scoreQuality } from '../../shared/use-cases/aggregate.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export const makeScoreQuality = (getDeps: () => Promise<Deps>) => async (input: unknown) => scoreQuality(await getDeps(), ScoringStepSchema.parse(input));
export const handler = makeScoreQuality(lazyDeps);
