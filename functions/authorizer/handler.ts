// HTTP API Lambda authorizer (simple responses): bearer token → tenant id in the request context, per route (scope).
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { type AuthorizerDeps, authorizerWiring } from '../../shared/runtime/wiring/authorizer.js';
import { authenticate } from '../../shared/use-cases/tokens.js';

export type AuthorizerResult = { isAuthorized: boolean; context?: { tenantId: string } };
export type AuthorizerEvent = Pick<APIGatewayRequestAuthorizerEventV2, 'headers'> & { routeKey?: string };

export function makeAuthorizer(getDeps: () => Promise<AuthorizerDeps>) {
  return async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    const deps = await getDeps();
    const decision = await authenticate(deps.tokens, header, event.routeKey, deps.clock.now());
    // API Gateway answers 401 when an authorizer fails with exactly "Unauthorized" (403 for isAuthorized: false).
    if (decision.kind === 'unauthenticated') throw new Error('Unauthorized');
    if (decision.kind === 'forbidden') return { isAuthorized: false };
    return { isAuthorized: true, context: { tenantId: decision.tenantId } };
  };
}

export const handler = makeAuthorizer(fromEnvironment(authorizerWiring));
