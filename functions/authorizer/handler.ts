// HTTP API Lambda authorizer (simple responses): bearer token → tenant id in the request context.
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { type AuthorizerDeps, authorizerWiring } from '../../shared/runtime/wiring/authorizer.js';
import { authenticate } from '../../shared/use-cases/tokens.js';

export type AuthorizerResult = { isAuthorized: boolean; context?: { tenantId: string } };

export function makeAuthorizer(getDeps: () => Promise<AuthorizerDeps>) {
  return async (event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): Promise<AuthorizerResult> => {
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    const tenant = await authenticate((await getDeps()).tokens, header);
    // API Gateway answers 401 when an authorizer fails with exactly "Unauthorized" (403 for isAuthorized: false).
    if (!tenant) throw new Error('Unauthorized');
    return { isAuthorized: true, context: { tenantId: tenant } };
  };
}

export const handler = makeAuthorizer(fromEnvironment(authorizerWiring));
