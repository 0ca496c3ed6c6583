// The `switchyard` command line: demo, the long-lived local server, and token management.
import { parseArgs } from 'node:util';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoTokenStore } from '../shared/adapters/dynamodb/token-store.js';
import { createToken } from '../shared/use-cases/tokens.js';
import { runDemo } from './demo.js';
import { startLocalStack } from './stack.js';
import { cdkContext } from './synth.js';
import { environmentConfig } from '../cdk/config.js';

const HELP = `switchyard <command> [options]

  demo [--out DIR] [--captures N] [--seed N]
        Start the local stack, capture sample traffic, replay it across seven models, print the
        recommendation and write DIR/recommendation.json (default ./switchyard-out).
  start [--port N] [--data DIR] [--schedule-every SECONDS]
        Run the local stack as a long-lived server for curl; prints a bearer token.
  token create --tenant ID [--label TEXT] [--table NAME --region REGION]
        Create an API token. With --table, against a deployed table (uses your AWS credentials).
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo':
        return await demo(rest);
      case 'start':
        return await start(rest);
      case 'token':
        return await token(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    process.stderr.write(`switchyard ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string', default: './switchyard-out' }, captures: { type: 'string', default: '300' }, seed: { type: 'string', default: '2024' } } });
  const captures = Number(values.captures);
  if (!Number.isInteger(captures) || captures < 1 || captures > 5000) throw new Error('--captures: a whole number from 1 to 5000');
  await runDemo({ out: values.out, captures, seed: Number(values.seed) });
  return 0;
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '8080' }, data: { type: 'string' }, 'schedule-every': { type: 'string' } } });
  const stack = await startLocalStack({ apiPort: Number(values.port), dataPath: values.data });
  const tokenValue = await stack.createToken('local', 'npm start');
  process.stdout.write(`Switchyard local stack (${stack.mode}) on ${stack.apiUrl}\n`);
  process.stdout.write(`Bearer token for tenant "local": ${tokenValue}\n`);
  process.stdout.write(`Try: curl -s -H "authorization: Bearer ${tokenValue}" ${stack.apiUrl}/v1/replays/run_00000000-0000-0000-0000-000000000000\n`);
  let timer: NodeJS.Timeout | undefined;
  if (values['schedule-every']) {
    // The local EventBridge rule: the dev environment's scheduled replay input, for tenant "local".
    const schedule = environmentConfig(cdkContext()['switchyard:environments'], 'dev').schedule;
    const every = Number(values['schedule-every']) * 1000;
    timer = setInterval(() => {
      stack.runScheduledReplay({ tenant_id: 'local', replay: schedule.replay }).then(
        (r) => process.stdout.write(`scheduled replay: ${JSON.stringify(r)}\n`),
        (e: unknown) => process.stderr.write(`scheduled replay failed: ${String(e)}\n`),
      );
    }, every);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (timer) clearInterval(timer);
  await stack.stop();
  return 0;
}

async function token(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new Error('usage: switchyard token create --tenant ID [--label TEXT] [--table NAME --region REGION]');
  const { values } = parseArgs({ args: rest, options: { tenant: { type: 'string' }, label: { type: 'string', default: 'cli' }, table: { type: 'string' }, region: { type: 'string' } } });
  if (!values.tenant) throw new Error('--tenant is required');
  if (!values.table) {
    throw new Error('--table is required (the deployed table name, from the Stateful stack outputs); for the local stack, `switchyard start` prints a token');
  }
  const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const store = new DynamoTokenStore(createDocumentClient({ region }), values.table);
  const value = await createToken(store, values.tenant, values.label);
  process.stdout.write(`${value}\n`);
  process.stderr.write('Store this token now: only its SHA-256 hash is kept.\n');
  return 0;
}
