// Composition root of GET /v1/replays/{id}/report: the run, result and capture stores (DynamoDB only).
import type { GetReportDeps } from '../../use-cases/get-report.js';
import { captureStore, resultStore, runStore } from '../build/dynamo.js';
import type { Wiring } from '../wiring.js';

export const reportWiring: Wiring<GetReportDeps> = { runs: runStore, results: resultStore, captures: captureStore };
