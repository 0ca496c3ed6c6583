// Composition root of POST /v1/captures: the capture store and the clock.
import type { CaptureTrafficDeps } from '../../use-cases/capture-traffic.js';
import { captureStore } from '../build/dynamo.js';
import { clock, type Wiring } from '../wiring.js';

export const captureWiring: Wiring<CaptureTrafficDeps> = { captures: captureStore, clock };
