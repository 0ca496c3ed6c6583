// Composition root of GET /v1/replays/{id}: the run store only.
import type { GetReplayDeps } from '../../use-cases/get-replay.js';
import { runStore } from '../build/dynamo.js';
import type { Wiring } from '../wiring.js';

export const resultsWiring: Wiring<GetReplayDeps> = { runs: runStore };
