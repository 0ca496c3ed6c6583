// Composition root of the authorizer: the token store and the clock.
import type { Clock, TokenStore } from '../../ports/index.js';
import { tokenStore } from '../build/dynamo.js';
import { clock, type Wiring } from '../wiring.js';

export type AuthorizerDeps = { tokens: TokenStore; clock: Clock };
export const authorizerWiring: Wiring<AuthorizerDeps> = { tokens: tokenStore, clock };
