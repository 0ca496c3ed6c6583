// States Recommend and RecommendFinal — apply the policy, persist the recommendation record, end the run (or ask for a confirmation pass).
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { recommendWiring } from '../../shared/runtime/wiring/aggregate.js';
import { RecommendStepSchema } from '../../shared/schemas/messages.js';
import { type RecommendDeps, recommend } from '../../shared/use-cases/aggregate/recommend.js';

export const makeRecommend = (getDeps: () => Promise<RecommendDeps>) => async (input: unknown) => recommend(await getDeps(), RecommendStepSchema.parse(input));
export const handler = makeRecommend(fromEnvironment(recommendWiring));
