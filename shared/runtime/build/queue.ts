// Builder for the SQS work queue.
import { SqsWorkQueue } from '../../adapters/sqs-queue.js';
import type { Ports } from '../../use-cases/deps.js';
import { ConfigurationError } from '../platform.js';
import { type Builder, once } from '../wiring.js';

export const workQueue: Builder<Ports['queue']> = (p) =>
  once(p, 'queue', () => {
    if (!p.queueUrl) throw new ConfigurationError('QUEUE_URL is not configured for this function');
    return new SqsWorkQueue({ region: p.region, endpoint: p.endpoints?.sqs, queueUrl: p.queueUrl, credentials: p.credentials });
  });
