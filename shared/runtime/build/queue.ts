// Builder for the SQS work queue.
import type { Ports } from '../../use-cases/deps.js';
import { ConfigurationError } from '../platform.js';
import { type Builder, once } from '../wiring.js';

export const workQueue: Builder<Ports['queue']> = (p) =>
  once(p, 'queue', async () => {
    if (!p.queueUrl) throw new ConfigurationError('QUEUE_URL is not configured for this function');
    // Loaded when the wiring is built, not at import (the SQS client stays out of the cold import).
    const { SqsWorkQueue } = await import('../../adapters/sqs-queue.js');
    return new SqsWorkQueue({ region: p.region, endpoint: p.endpoints?.sqs, queueUrl: p.queueUrl, credentials: p.credentials });
  });
