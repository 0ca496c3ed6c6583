// Tables, queues, keys and the provider secret: the data that outlives deployments (retained outside dev).
// Per environment (cdk.json): RETAIN + deletion protection, a customer-managed key, point-in-time recovery.
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './config.js';

/** Attempts before a work item is dead-lettered; the worker stores an error result on its own last attempt. */
export const MAX_RECEIVE_COUNT = 8;

export class StatefulStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  /** the customer-managed data key; absent where the environment uses AWS-owned keys (dev) */
  readonly key: kms.Key | undefined;
  readonly providerSecret: secrets.Secret;

  constructor(scope: Construct, id: string, props: StackProps & { config: EnvironmentConfig }) {
    super(scope, id, props);
    const removalPolicy = props.config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const { config } = props;
    this.key = config.customerManagedKey
      ? new kms.Key(this, 'DataKey', {
          description: 'Switchyard: captures, results, queues and alarm notifications at rest',
          enableKeyRotation: true,
          removalPolicy,
        })
      : undefined;
    // CloudWatch alarms publish to the alarm topic, which is encrypted with this key (cdk/constructs/observability.ts).
    this.key?.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const queueEncryption = this.key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.key } : { encryption: sqs.QueueEncryption.SQS_MANAGED };

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: this.key ? dynamodb.TableEncryptionV2.customerManagedKey(this.key) : dynamodb.TableEncryptionV2.dynamoOwnedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: config.pointInTimeRecovery },
      timeToLiveAttribute: 'expires_at',
      deletionProtection: props.config.retainData,
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: 'gsi1',
          partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: ['id', 'model', 'captured_at', 'tags'],
        },
        {
          // Overloaded: a tenant's captures by end user, a tenant's runs, and every result of a capture (docs/design.md).
          indexName: 'gsi2',
          partitionKey: { name: 'gsi2pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'gsi2sk', type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [
            'id',
            'model',
            'captured_at',
            'tags',
            'user',
            'run_id',
            'status',
            'created_at',
            'finished_at',
            'models',
            'headline',
            'cost_usd',
            'judge_cost_usd',
          ],
        },
      ],
    });

    this.deadLetters = new sqs.Queue(this, 'WorkDeadLetters', {
      ...queueEncryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the work queue; a DLQ of a DLQ would hide failures.',
    });

    this.queue = new sqs.Queue(this, 'WorkQueue', {
      ...queueEncryption,
      enforceSSL: true,
      // Six times the worker timeout, as AWS recommends for SQS event sources.
      visibilityTimeout: Duration.seconds(6 * 120),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy,
    });

    this.providerSecret = new secrets.Secret(this, 'ProviderKeys', {
      description:
        'Switchyard provider credentials as JSON: {"PORTKEY_API_KEY": "...", "PORTKEY_VIRTUAL_KEYS": "{...}", "OPENAI_API_KEY": "..."}. Set after deploy.',
      // The AWS-managed secretsmanager key: a customer key here would put the readers' roles into its key policy,
      // a dependency cycle between the stateful and stateless stacks.
      removalPolicy,
    });
    Validations.of(this.providerSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Holds third-party API keys (Portkey, model providers) that can only be rotated at the provider; rotation is an operator runbook step.',
    });
  }
}
