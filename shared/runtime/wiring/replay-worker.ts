// Composition root of the worker: run and capture (cached reads) and result stores, limiter, queue and gateway.
import type { ReplayWorkItemDeps } from '../../use-cases/replay-work-item.js';
import { cachedCaptureStore, cachedRunStore, limiter, resultStore } from '../build/dynamo.js';
import { llmGateway } from '../build/llm.js';
import { workQueue } from '../build/queue.js';
import { clock, log, settings, type Wiring } from '../wiring.js';

export const workerWiring: Wiring<ReplayWorkItemDeps> = {
  runs: cachedRunStore,
  results: resultStore,
  captures: cachedCaptureStore,
  queue: workQueue,
  llm: llmGateway,
  limiter,
  clock,
  log,
  settings,
};
