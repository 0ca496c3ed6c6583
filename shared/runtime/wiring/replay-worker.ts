// Composition root of the worker: run (cached reads), result and capture stores, limiter, queue and gateway.
import type { ReplayWorkItemDeps } from '../../use-cases/replay-work-item.js';
import { cachedRunStore, captureStore, limiter, resultStore } from '../build/dynamo.js';
import { llmGateway } from '../build/llm.js';
import { workQueue } from '../build/queue.js';
import { clock, log, settings, type Wiring } from '../wiring.js';

export const workerWiring: Wiring<ReplayWorkItemDeps> = {
  runs: cachedRunStore,
  results: resultStore,
  captures: captureStore,
  queue: workQueue,
  llm: llmGateway,
  limiter,
  clock,
  log,
  settings,
};
