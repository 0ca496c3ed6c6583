// State CheckProgress — is every work item stored, or has the deadline passed?
import { RunRefSchema } from '../../shared/schemas/messages.js';
import { checkProgress } from '../../shared/use-cases/aggregate.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export const makeCheckProgress = (getDeps: () => Promise<Deps>) => async (input: unknown) => checkProgress(await getDeps(), RunRefSchema.parse(input));
export const handler = makeCheckProgress(lazyDeps);
