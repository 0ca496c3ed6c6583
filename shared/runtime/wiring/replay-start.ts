// Composition root of POST /v1/replays and the scheduled replay: captures, runs, the queue and the workflow.
import type { StartReplayDeps } from '../../use-cases/start-replay.js';
import { captureStore, runStore } from '../build/dynamo.js';
import { workQueue } from '../build/queue.js';
import { stepFunctionsWorkflow } from '../build/workflow.js';
import { clock, log, settings, type Wiring } from '../wiring.js';

export const replayStartWiring: Wiring<StartReplayDeps> = {
  captures: captureStore,
  runs: runStore,
  queue: workQueue,
  workflow: stepFunctionsWorkflow,
  clock,
  log,
  settings,
};
