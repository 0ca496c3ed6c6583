// Composition root of the replay read routes (GET /v1/replays, /v1/replays/{id}, /v1/replays/{id}/results).
import type { BrowseReplaysDeps } from '../../use-cases/browse-replays.js';
import { captureStore, resultStore, runStore } from '../build/dynamo.js';
import type { Wiring } from '../wiring.js';

export const resultsWiring: Wiring<BrowseReplaysDeps> = { runs: runStore, results: resultStore, captures: captureStore };
