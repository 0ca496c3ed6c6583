// What a use case may depend on (STYLE 2: plain dependency objects). Each use case names the ports and settings it
// uses with `Needs<…>`, so each function's composition root (shared/runtime/wiring) builds only those.
import type { Settings } from '../config/settings.js';
import type { CaptureStore, Clock, JudgeCache, Limiter, LlmGateway, Log, ResultStore, RunStore, TokenStore, Workflow, WorkQueue } from '../ports/index.js';

export type Ports = {
  captures: CaptureStore;
  tokens: TokenStore;
  runs: RunStore;
  results: ResultStore;
  queue: WorkQueue;
  llm: LlmGateway;
  workflow: Workflow;
  limiter: Limiter;
  judgeCache: JudgeCache;
  clock: Clock;
  log: Log;
};

/** The ports P and, when S is given, the settings S a use case reads. */
export type Needs<P extends keyof Ports, S extends keyof Settings = never> = Pick<Ports, P> & ([S] extends [never] ? unknown : { settings: Pick<Settings, S> });
