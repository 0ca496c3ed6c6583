// Composition root of the dead-letter function: run and result stores.
import type { DeadLetterDeps } from '../../use-cases/dead-letter.js';
import { resultStore, runStore } from '../build/dynamo.js';
import { clock, log, type Wiring } from '../wiring.js';

export const deadLetterWiring: Wiring<DeadLetterDeps> = { runs: runStore, results: resultStore, clock, log };
