// State Recommend — applies the policy, persists the recommendation record, ends the run.
import { RunRefSchema } from '../../shared/schemas/messages.js';
import { recommend } from '../../shared/use-cases/aggregate.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export const makeRecommend = (getDeps: () => Promise<Deps>) => async (input: unknown) => recommend(await getDeps(), RunRefSchema.parse(input));
export const handler = makeRecommend(lazyDeps);
