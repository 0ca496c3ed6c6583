// State CheckProgress — is every work item stored, or has the deadline passed?
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { checkProgressWiring } from '../../shared/runtime/wiring/aggregate.js';
import { CheckProgressInputSchema } from '../../shared/schemas/messages.js';
import { type CheckProgressDeps, checkProgress } from '../../shared/use-cases/aggregate/check-progress.js';

export const makeCheckProgress = (getDeps: () => Promise<CheckProgressDeps>) => async (input: unknown) => {
  const { stored, ...ref } = CheckProgressInputSchema.parse(input);
  return checkProgress(await getDeps(), ref, stored);
};
export const handler = makeCheckProgress(fromEnvironment(checkProgressWiring));
