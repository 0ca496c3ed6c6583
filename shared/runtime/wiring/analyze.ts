// Composition root of POST /v1/analyze: what starting a replay needs, plus the result store to read the answers.
import type { AnalyzeDeps } from '../../use-cases/analyze.js';
import { resultStore } from '../build/dynamo.js';
import type { Wiring } from '../wiring.js';
import { replayStartWiring } from './replay-start.js';

export const analyzeWiring: Wiring<AnalyzeDeps> = { ...replayStartWiring, results: resultStore };
