// States Recommend and RecommendFinal — apply the policy, persist the recommendation record, end the run (or ask for a confirmation pass).
import { RecommendStepSchema } from '../../shared/schemas/messages.js';
import { recommend } from '../../shared/use-cases/aggregate.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export const makeRecommend = (getDeps: () => Promise<Deps>) => async (input: unknown) => recommend(await getDeps(), RecommendStepSchema.parse(input));
export const handler = makeRecommend(lazyDeps);
