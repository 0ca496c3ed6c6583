// Composition root of the authorizer: the token store only.
import type { TokenStore } from '../../ports/index.js';
import { tokenStore } from '../build/dynamo.js';
import type { Wiring } from '../wiring.js';

export type AuthorizerDeps = { tokens: TokenStore };
export const authorizerWiring: Wiring<AuthorizerDeps> = { tokens: tokenStore };
