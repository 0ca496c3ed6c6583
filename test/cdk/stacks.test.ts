// Fine-grained assertions on the synthesized templates (bundling skipped), per environment.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVE_COUNT } from '../../cdk/stateful-stack.js';
import { STATE } from '../../cdk/stateless-stack.js';
import { aslFromTemplate } from '../../local/sfn-local.js';
import { synthTemplates } from '../../local/synth.js';

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
      IdentitySource: ['$request.header.Authorization'],
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
