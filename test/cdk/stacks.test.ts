// Fine-grained assertions on the synthesized templates (bundling skipped), per environment.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../cdk/stage.js';
import { MAX_RECEIVE_COUNT } from '../../cdk/stateful-stack.js';
import { STATE } from '../../cdk/stateless-stack.js';
import { aslFromTemplate } from '../../local/sfn-local.js';
import { cdkContext, synthTemplates } from '../../local/synth.js';

let prod: ReturnType<typeof synthTemplates>;
let dev: ReturnType<typeof synthTemplates>;
let stateless: Template;
let stateful: Template;

beforeAll(() => {
  prod = synthTemplates('prod');
  dev = synthTemplates('dev');
  stateless = Template.fromJSON(prod.stateless);
  stateful = Template.fromJSON(prod.stateful);
}, 120_000);

describe('cdk-nag (AwsSolutions)', () => {
  it('leaves no unacknowledged finding in prod or dev', () => {
    for (const report of [prod.validationReport, dev.validationReport]) {
      const plugins = (report as { pluginReports: { violations: unknown[] }[] } | null)?.pluginReports ?? [];
      expect(plugins.flatMap((p) => p.violations)).toEqual([]);
    }
  });
});

describe('HTTP API', () => {
  it('puts every route behind the Lambda authorizer', () => {
    const routes = stateless.findResources('AWS::ApiGatewayV2::Route');
    expect(Object.keys(routes).length).toBe(11);
    for (const route of Object.values(routes)) {
      expect(route.Properties.AuthorizationType).toBe('CUSTOM');
      expect(route.Properties.AuthorizerId).toBeDefined();
    }
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/captures' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/replays' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /v1/replays/{id}' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /v1/replays/{id}/report', AuthorizationType: 'CUSTOM' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
    });
  });

  it('caches authorizer decisions per token and route for 60 s, the longest a revoked token keeps working', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 60 });
  });

  it('throttles the stage as a whole (each tenant also has its own bucket in the table)', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
    });
  });

  it('lets read-only API functions write only the tenant rate buckets', () => {
    stateless.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'dynamodb:PutItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#*#RATE'] } } }),
        ]),
      },
    });
  });

  it('logs access on the default stage', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});

describe('queues', () => {
  it('gives the work queue a dead-letter queue', () => {
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: MAX_RECEIVE_COUNT },
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  it('consumes the dead-letter queue so dead-lettered work is counted', () => {
    stateless.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] }, 2);
  });

  it('lets the worker report batch item failures, with bounded concurrency', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  it('alarms when work is dead-lettered', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'NumberOfMessagesReceived', Threshold: 1 });
  });
});

describe('table', () => {
  it('has the keys, time and owner indexes, TTL and point-in-time recovery the adapters rely on', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'gsi1' }),
        Match.objectLike({
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: Match.objectLike({ ProjectionType: 'INCLUDE', NonKeyAttributes: Match.arrayWith(['user', 'status', 'headline']) }),
        }),
      ],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
    });
  });
});

describe('functions', () => {
  it('run on arm64 with a current Node.js runtime and never carry provider keys in the template', () => {
    const fns = stateless.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns).length).toBeGreaterThanOrEqual(10);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(String(fn.Properties.Runtime)).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      const env = JSON.stringify(fn.Properties.Environment ?? {});
      expect(env).not.toMatch(/sk-|API_KEY"\s*:/);
    }
  });
});

describe('aggregate state machine', () => {
  it('polls for work, judges in a loop, then computes metrics and recommends, with a failure path', () => {
    const asl = aslFromTemplate(prod.stateless) as { StartAt: string; States: Record<string, Record<string, unknown>> };
    expect(asl.StartAt).toBe(STATE.checkProgress);
    expect(asl.States[STATE.checkProgress]?.Next).toBe(STATE.isDone);
    expect(asl.States[STATE.waitForWork]?.Type).toBe('Wait');
    expect(asl.States[STATE.waitForWork]?.Next).toBe(STATE.checkProgress);
    // CheckProgress decides the wait: seconds for a one-prompt analysis (it must answer within 29 s), longer otherwise.
    expect(asl.States[STATE.waitForWork]?.SecondsPath).toBe('$.poll_seconds');
    expect(asl.States[STATE.allScored]?.Default).toBe(STATE.scoreQuality);
    expect(asl.States[STATE.computeMetrics]?.Next).toBe(STATE.recommend);
    expect(asl.States[STATE.recommend]?.Next).toBe(STATE.needsConfirmation);
    expect(asl.States[STATE.confirmationScored]?.Default).toBe(STATE.confirmRecommended);
    expect(asl.States[STATE.recomputeMetrics]?.Next).toBe(STATE.recommendFinal);
    for (const name of [
      STATE.checkProgress,
      STATE.scoreQuality,
      STATE.computeMetrics,
      STATE.recommend,
      STATE.confirmRecommended,
      STATE.recomputeMetrics,
      STATE.recommendFinal,
    ]) {
      expect(JSON.stringify(asl.States[name]?.Catch)).toContain(STATE.markFailed);
    }
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: Match.anyValue(),
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });
});

describe('schedule per environment', () => {
  it('prod runs the weekly replay of the seven models; dev keeps its rule disabled', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 ? * SUN *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Input: Match.serializedJson(Match.objectLike({ tenant_id: 'prod', replay: Match.objectLike({ candidate_models: Match.arrayWith(['command-r']) }) })),
        }),
      ],
    });
    Template.fromJSON(dev.stateless).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)', State: 'DISABLED' });
  });

  it('targets its own function, not the HTTP one', () => {
    const rules = stateless.findResources('AWS::Events::Rule');
    const targetArn = JSON.stringify(Object.values(rules)[0]!.Properties.Targets[0].Arn);
    expect(targetArn).toMatch(/ScheduledReplay/);
    expect(targetArn).not.toMatch(/ReplayStart/);
  });
});

describe('environments differ where a deploying team expects (cdk.json)', () => {
  it('prod keeps its data: a rotating customer key for the table and both queues, point-in-time recovery, deletion protection, RETAIN', () => {
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    stateful.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] };
    const queues = Object.values(stateful.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const q of queues) {
      expect(q.Properties.KmsMasterKeyId).toMatchObject({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
      expect(q.DeletionPolicy).toBe('Retain');
    }
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: keyArn },
          }),
        ],
      }),
    });
    // CloudWatch may use the key, so alarms can publish to the topic it encrypts.
    stateful.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]),
      }),
    });
  });

  it('dev is disposable: AWS-owned keys, no point-in-time recovery, no deletion protection, DESTROY', () => {
    const devStateful = Template.fromJSON(dev.stateful);
    devStateful.resourceCountIs('AWS::KMS::Key', 0);
    for (const q of Object.values(devStateful.findResources('AWS::SQS::Queue'))) {
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      expect(q.Properties.KmsMasterKeyId).toBeUndefined();
      expect(q.DeletionPolicy).toBe('Delete');
    }
    devStateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        // SSEEnabled false is DynamoDB's AWS-owned key: the table is still encrypted at rest.
        SSESpecification: { SSEEnabled: false },
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: false, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } })],
      }),
    });
    Template.fromJSON(dev.stateless).hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.absent() });
  });

  it('tells every function its environment (the metrics dimension) and traces it with X-Ray', () => {
    for (const [env, templates] of [
      ['prod', prod],
      ['dev', dev],
    ] as const) {
      for (const fn of Object.values(Template.fromJSON(templates.stateless).findResources('AWS::Lambda::Function'))) {
        expect(fn.Properties.Environment.Variables.SWITCHYARD_ENV).toBe(env);
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      }
    }
  });
});

describe('alarms, their topic and the dashboard', () => {
  const topicRef = { Ref: Match.stringLikeRegexp('AlarmTopic') };

  it('encrypts the alarm topic with the data key in prod and allows publishing over TLS only', () => {
    stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('DataKey') }) });
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
  });

  it.each([
    ['dead letters', { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesReceived', Threshold: 1 }],
    ['DLQ depth', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', EvaluationPeriods: 3 }],
    [
      'worker errors',
      { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^ReplayWorker') } }] },
    ],
    ['worker throttles', { Namespace: 'AWS/Lambda', MetricName: 'Throttles' }],
    ['provider throttles', { Namespace: 'Switchyard', MetricName: 'ProviderThrottles', Threshold: 50, EvaluationPeriods: 3 }],
    ['run failures', { Namespace: 'Switchyard', MetricName: 'RunsFailed', Threshold: 1 }],
    ['budget reached', { Namespace: 'Switchyard', MetricName: 'BudgetReached', Threshold: 1 }],
  ])('alarms on %s and notifies the topic', (_, properties) => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...properties,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef],
    });
  });

  it('alarms on table throttles and failed aggregate executions (metric math), also to the topic', () => {
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm'));
    const math = alarms.map((a) => JSON.stringify(a.Properties.Metrics ?? []));
    expect(math.some((m) => m.includes('ThrottledRequests') && m.includes('AWS/DynamoDB'))).toBe(true);
    expect(math.some((m) => m.includes('ExecutionsFailed') && m.includes('ExecutionsTimedOut'))).toBe(true);
    expect(alarms).toHaveLength(9);
    for (const a of alarms) expect(JSON.stringify(a.Properties.AlarmActions)).toMatch(/AlarmTopic/);
  });

  it('alarms on the metrics the code emits, with the dimensions Powertools publishes', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Switchyard',
      MetricName: 'RunsFailed',
      Dimensions: [
        { Name: 'environment', Value: 'prod' },
        { Name: 'service', Value: 'switchyard' },
      ],
    });
  });

  it('draws one dashboard with the alarms, the API, the queue, the worker, calls, spend, results and runs', () => {
    const dashboards = Object.values(stateless.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const metric of [
      'ProviderCalls',
      'ProviderCostUsd',
      'JudgeCostUsd',
      'Refusals',
      'RunsFailed',
      'BudgetReached',
      'ApproximateAgeOfOldestMessage',
      '5xx',
    ]) {
      expect(body).toContain(metric);
    }
    expect(dashboards[0]!.Properties.DashboardName).toBe('Switchyard-prod');
  });

  it('subscribes the alarm e-mail when the environment sets one', () => {
    const context = cdkContext() as { 'switchyard:environments': Record<string, Record<string, unknown>> };
    const environments = { ...context['switchyard:environments'], prod: { ...context['switchyard:environments'].prod, alarmEmail: 'oncall@example.com' } };
    const { stage } = buildApp({ ...context, 'switchyard:environments': environments, env: 'prod', 'aws:cdk:bundling-stacks': [] });
    Template.fromStack(stage.stateless).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    stateless.resourceCountIs('AWS::SNS::Subscription', 0);
  }, 120_000);
});
