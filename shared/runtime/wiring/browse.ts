// Composition root of the capture browsing routes (captures, one capture, a user's history): read-only stores.
import type { BrowseDeps } from '../../use-cases/browse-captures.js';
import { captureStore, resultStore } from '../build/dynamo.js';
import type { Wiring } from '../wiring.js';

export const browseWiring: Wiring<BrowseDeps> = { captures: captureStore, results: resultStore };
