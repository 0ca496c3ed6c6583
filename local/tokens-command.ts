// `switchyard token create|list|revoke|rotate`: API tokens in a deployed table or a local stack's. Loads only the
// DynamoDB client and the token store (bin/switchyard.mjs comes here before loading the rest of the CLI), so a token
// command answers in about a second; `--data` alone loads dynalite, on demand.
import { parseArgs } from 'node:util';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoTokenStore } from '../shared/adapters/dynamodb/token-store.js';
import { parseExpiry, TOKEN_SCOPES, type TokenScope, type TokenSummary } from '../shared/domain/api-token.js';
import type { Clock } from '../shared/ports/index.js';
import { createToken, listTokens, revokeToken, rotateToken } from '../shared/use-cases/tokens.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE } from './names.js';

export const TOKEN_HELP = `switchyard token <create|list|revoke|rotate> --tenant ID [where] [options]

  create --tenant ID [--label TEXT] [--scope capture|full] [--expires 30d|12h|2027-01-31]
        Prints a new token (sy_<id>_<secret>) once; only the SHA-256 hash of its secret is stored.
        --scope capture: the token may only POST /v1/captures (403 elsewhere); full (default): every route.
  list --tenant ID [--json]          the tenant's tokens: id, label, scope, status (active, expired, revoked), dates
  revoke --tenant ID --id tok_…      the token stops working within the authorizer cache's TTL (60 s by default)
  rotate --tenant ID --id tok_…      prints a new token with the same label, scope and expiry; revokes the old one

  where: --table NAME [--region R]    a deployed table (your AWS credentials)
         --endpoint URL [--table NAME] a running local stack's DynamoDB ('switchyard start' prints it)
         --data DIR                    a stopped local stack's data folder (opened directly)
`;

type Store = { tokens: DynamoTokenStore; close: () => Promise<void> };

async function openStore(values: { table?: string; region?: string; endpoint?: string; data?: string }): Promise<Store> {
  if (values.data) {
    if (values.endpoint) throw new Error('--data and --endpoint: give one');
    // Only here: dynalite on the data folder (fails if a running server holds it: then use --endpoint).
    const { startDynalite } = await import('./emulators.js');
    const dynamo = await startDynalite({ path: values.data }).catch((error: unknown) => {
      throw new Error(`cannot open ${values.data} (is 'switchyard start' using it? then pass --endpoint): ${String(error)}`);
    });
    const db = createDocumentClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    return { tokens: new DynamoTokenStore(db, values.table ?? LOCAL_TABLE), close: () => dynamo.stop() };
  }
  if (values.endpoint) {
    const db = createDocumentClient({ region: LOCAL_REGION, endpoint: values.endpoint, credentials: LOCAL_CREDENTIALS });
    return { tokens: new DynamoTokenStore(db, values.table ?? LOCAL_TABLE), close: async () => {} };
  }
  if (!values.table) throw new Error('--table NAME is required (the deployed table), or --endpoint URL / --data DIR for a local stack');
  const db = createDocumentClient({ region: values.region ?? process.env.AWS_REGION ?? 'us-east-1' });
  return { tokens: new DynamoTokenStore(db, values.table), close: async () => {} };
}

const systemClock: Clock = { now: () => Date.now() };

function describe(t: TokenSummary): string {
  return [t.id, t.status.padEnd(7), t.scope.padEnd(7), t.createdAt, t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry', t.label].join('  ');
}

export type TokenCommandIo = { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream; clock?: Clock };

export async function tokenCommand(args: string[], io: TokenCommandIo = {}): Promise<number> {
  const { out = process.stdout, err = process.stderr, clock = systemClock } = io;
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    out.write(TOKEN_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!['create', 'list', 'revoke', 'rotate'].includes(sub)) {
    err.write(`unknown token command "${sub}"\n\n${TOKEN_HELP}`);
    return 2;
  }
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(rest).values;
  } catch (error) {
    err.write(`switchyard token ${sub}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (!values.tenant) {
    err.write(`switchyard token ${sub}: --tenant is required\n`);
    return 2;
  }
  const scope = values.scope ?? 'full';
  if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
    err.write(`switchyard token ${sub}: --scope capture|full\n`);
    return 2;
  }
  let expiresAt: string | null = null;
  if (values.expires) {
    const parsed = parseExpiry(values.expires, clock.now());
    if (!parsed.ok) {
      err.write(`switchyard token ${sub}: --${parsed.message}\n`);
      return 2;
    }
    expiresAt = parsed.expiresAt;
  }
  if ((sub === 'revoke' || sub === 'rotate') && !values.id) {
    err.write(`switchyard token ${sub}: --id tok_… is required ('switchyard token list' shows them)\n`);
    return 2;
  }
  const store = await openStore(values);
  try {
    const deps = { tokens: store.tokens, clock };
    switch (sub) {
      case 'create': {
        const issued = await createToken(deps, { tenantId: values.tenant, label: values.label ?? 'cli', scope: scope as TokenScope, expiresAt });
        out.write(`${issued.token}\n`);
        err.write(`${describe(issued.record)}\nStore this token now: only the SHA-256 hash of its secret is kept.\n`);
        return 0;
      }
      case 'list': {
        const tokens = await listTokens(deps, values.tenant);
        if (values.json) out.write(`${JSON.stringify(tokens)}\n`);
        else out.write(tokens.length ? `${tokens.map(describe).join('\n')}\n` : `no tokens for tenant "${values.tenant}"\n`);
        return 0;
      }
      case 'revoke': {
        if (!(await revokeToken(deps, values.tenant, values.id!))) {
          err.write(`switchyard token revoke: tenant "${values.tenant}" has no token ${values.id}\n`);
          return 1;
        }
        err.write(`revoked ${values.id}; it stops working within the authorizer cache's TTL (60 s by default)\n`);
        return 0;
      }
      default: {
        const issued = await rotateToken(deps, values.tenant, values.id!);
        if (!issued) {
          err.write(`switchyard token rotate: tenant "${values.tenant}" has no active token ${values.id}\n`);
          return 1;
        }
        out.write(`${issued.token}\n`);
        err.write(`${describe(issued.record)}\nrevoked ${values.id}. Store the new token now: only its hash is kept.\n`);
        return 0;
      }
    }
  } catch (error) {
    err.write(`switchyard token ${sub}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      tenant: { type: 'string' },
      label: { type: 'string' },
      scope: { type: 'string' },
      expires: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean', default: false },
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      data: { type: 'string' },
    },
  });
}
