// Functions, the HTTP API, the worker's event source, the aggregate state machine and the schedule.
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { API_DEFAULTS, type EnvironmentConfig } from './config.js';
import { AppFunction } from './constructs/app-function.js';
import { Observability } from './constructs/observability.js';

export type StatelessProps = StackProps & {
  config: EnvironmentConfig;
  table: dynamodb.ITableV2;
  queue: sqs.IQueue;
  deadLetters: sqs.IQueue;
  /** the data key, where the environment has a customer-managed one */
  key?: kms.IKey;
  providerSecret: secrets.ISecret;
};

/** The state names the local stack overrides by name: keep them in one place. */
export const STATE = {
  checkProgress: 'CheckProgress',
  isDone: 'IsWorkDone',
  waitForWork: 'WaitForWork',
  scoreQuality: 'ScoreQuality',
  allScored: 'AllScored',
  computeMetrics: 'ComputeMetrics',
  recommend: 'Recommend',
  needsConfirmation: 'NeedsConfirmation',
  startConfirmation: 'StartConfirmation',
  confirmRecommended: 'ConfirmRecommended',
  confirmationScored: 'ConfirmationScored',
  recomputeMetrics: 'RecomputeMetrics',
  recommendFinal: 'RecommendFinal',
  markFailed: 'MarkFailed',
} as const;

export class StatelessStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: StatelessProps) {
    super(scope, id, props);
    const { config, table, queue, providerSecret } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      sourceMaps: config.sourceMaps ?? false,
      environment: {
        TABLE_NAME: table.tableName,
        SWITCHYARD_ENV: config.name,
        ...(config.settings ? { SETTINGS_JSON: JSON.stringify(config.settings) } : {}),
      },
    };
    const make = (id: string, entry: string, description: string, extra: Partial<ConstructorParameters<typeof AppFunction>[2]> = {}) =>
      new AppFunction(this, id, { ...common, entry, description, ...extra });

    // Bind helpers: grant and configure in one call.
    const withLlm = (f: AppFunction) => {
      providerSecret.grantRead(f.fn);
      return f.env('PROVIDER_SECRET_ARN', providerSecret.secretArn).env('GATEWAY_BASE_URL', config.gatewayBaseUrl);
    };

    // The per-tenant rate bucket (shared/runtime/rate-limited.ts): read-only API functions may write only that item.
    const withRateBucket = (f: AppFunction) => {
      f.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#*#RATE'] } },
        }),
      );
      props.key?.grantEncrypt(f.fn);
      return f;
    };

    const authorizerFn = make('Authorizer', 'authorizer/handler.ts', 'Bearer token → tenant', { timeout: Duration.seconds(5) });
    table.grantReadData(authorizerFn.fn);
    const captureFn = make('Capture', 'capture/handler.ts', 'POST /v1/captures', { timeout: Duration.seconds(10) });
    table.grantReadWriteData(captureFn.fn);
    const resultsFn = make('Results', 'results-api/handler.ts', 'GET /v1/replays, /v1/replays/{id}, /v1/replays/{id}/results', {
      timeout: Duration.seconds(10),
    });
    table.grantReadData(withRateBucket(resultsFn).fn);
    const browseFn = make('Captures', 'captures-api/handler.ts', 'GET /v1/captures, /v1/captures/{id}, /v1/users/{user}/history', {
      timeout: Duration.seconds(10),
    });
    table.grantReadData(withRateBucket(browseFn).fn);
    const reportFn = make('Report', 'report-api/handler.ts', 'GET /v1/replays/{id}/report (HTML)', { timeout: Duration.seconds(15) });
    table.grantReadData(withRateBucket(reportFn).fn);
    const openApiFn = make('OpenApi', 'openapi-api/handler.ts', 'GET /v1/openapi.json');
    const replayStartFn = make('ReplayStart', 'replay-start/handler.ts', 'POST /v1/replays', { timeout: Duration.seconds(60), memorySize: 1024 });
    const scheduledReplayFn = make('ScheduledReplay', 'scheduled-replay/handler.ts', 'Scheduled replay (EventBridge rule)', {
      timeout: Duration.seconds(60),
      memorySize: 1024,
    });
    // POST /v1/analyze starts a one-prompt replay and waits for it: API Gateway ends the integration at 29 s.
    const analyzeFn = make('Analyze', 'analyze-api/handler.ts', 'POST /v1/analyze', { timeout: Duration.seconds(29) });
    for (const starter of [replayStartFn, scheduledReplayFn, analyzeFn]) {
      table.grantReadWriteData(starter.fn);
      queue.grantSendMessages(starter.fn);
      starter.env('QUEUE_URL', queue.queueUrl);
    }

    const workerFn = withLlm(
      make('ReplayWorker', 'replay-worker/handler.ts', 'Calls one model per work item through Portkey', { timeout: Duration.seconds(120) }),
    );
    table.grantReadWriteData(workerFn.fn);
    queue.grantConsumeMessages(workerFn.fn);
    workerFn.env('QUEUE_URL', queue.queueUrl);
    workerFn.fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: config.workerMaxConcurrency }));

    const deadLetterFn = make('DeadLetter', 'dead-letter/handler.ts', 'Counts dead-lettered work items as error results', { timeout: Duration.seconds(30) });
    table.grantReadWriteData(deadLetterFn.fn);
    props.deadLetters.grantConsumeMessages(deadLetterFn.fn);
    deadLetterFn.fn.addEventSource(new SqsEventSource(props.deadLetters, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }));

    const checkFn = make('CheckProgressFunction', 'aggregate/check-progress.ts', 'Aggregate: is the run done?');
    table.grantReadWriteData(checkFn.fn);
    const scoreFn = withLlm(
      make('ScoreQualityFunction', 'aggregate/score-quality.ts', 'Aggregate: LLM judge, one bounded batch', {
        timeout: Duration.minutes(10),
        memorySize: 1024,
      }),
    );
    table.grantReadWriteData(scoreFn.fn);
    const metricsFn = make('ComputeMetricsFunction', 'aggregate/compute-metrics.ts', 'Aggregate: per-model metrics', {
      timeout: Duration.minutes(10),
      memorySize: 2048,
    });
    table.grantReadWriteData(metricsFn.fn);
    const recommendFn = make('RecommendFunction', 'aggregate/recommend.ts', 'Aggregate: recommendation record', { timeout: Duration.minutes(1) });
    table.grantReadWriteData(recommendFn.fn);
    const failFn = make('MarkFailedFunction', 'aggregate/mark-failed.ts', 'Aggregate: end a run as failed', { timeout: Duration.seconds(30) });
    table.grantReadWriteData(failFn.fn);

    // --- state machine: keys and counts only in the payload ---
    // Each task may take as long as its function may (an absent TimeoutSeconds is 60 s in aws-local-stepfunctions).
    const invoke = (id: string, fn: AppFunction, resultPath?: string) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: fn.fn,
        payloadResponseOnly: true,
        taskTimeout: sfn.Timeout.duration(fn.fn.timeout ?? Duration.seconds(3)),
        ...(resultPath ? { resultPath } : {}),
      });
    const markFailed = invoke(STATE.markFailed, failFn, '$.failed').next(new sfn.Fail(this, 'RunFailed', { error: 'AggregateFailed' }));
    const check = invoke(STATE.checkProgress, checkFn);
    const score = invoke(STATE.scoreQuality, scoreFn);
    const metrics = invoke(STATE.computeMetrics, metricsFn, '$.metrics');
    const recommend = invoke(STATE.recommend, recommendFn, '$.outcome');
    // Confirmation pass: the chosen model's remaining answers are judged, then metrics and the decision are redone once.
    const confirmScore = invoke(STATE.confirmRecommended, scoreFn);
    const remetrics = invoke(STATE.recomputeMetrics, metricsFn, '$.metrics');
    const recommendFinal = invoke(STATE.recommendFinal, recommendFn, '$.outcome');
    for (const t of [check, score, metrics, recommend, confirmScore, remetrics, recommendFinal]) {
      t.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
      t.addCatch(markFailed, { resultPath: '$.error' });
    }
    const done = new sfn.Succeed(this, 'Done');
    const confirmation = new sfn.Choice(this, STATE.needsConfirmation)
      .when(
        sfn.Condition.and(sfn.Condition.isPresent('$.outcome.confirm'), sfn.Condition.isString('$.outcome.confirm')),
        new sfn.Pass(this, STATE.startConfirmation, {
          parameters: { 'tenant_id.$': '$.tenant_id', 'run_id.$': '$.run_id', 'confirm.$': '$.outcome.confirm' },
        })
          .next(confirmScore)
          .next(
            new sfn.Choice(this, STATE.confirmationScored)
              .when(sfn.Condition.booleanEquals('$.finished', true), remetrics.next(recommendFinal).next(done))
              .otherwise(confirmScore),
          ),
      )
      .otherwise(done);
    // CheckProgress says how long to wait: seconds for a one-prompt analysis, half a minute for a large run.
    const wait = new sfn.Wait(this, STATE.waitForWork, { time: sfn.WaitTime.secondsPath('$.poll_seconds') });
    const definition = check.next(
      new sfn.Choice(this, STATE.isDone)
        .when(
          sfn.Condition.booleanEquals('$.done', true),
          score.next(
            new sfn.Choice(this, STATE.allScored)
              .when(sfn.Condition.booleanEquals('$.finished', true), metrics.next(recommend).next(confirmation))
              .otherwise(score),
          ),
        )
        .otherwise(wait.next(check)),
    );
    const sfnLogs = new logs.LogGroup(this, 'StateMachineLogs', { retention: config.logRetentionDays as logs.RetentionDays, removalPolicy });
    this.stateMachine = new sfn.StateMachine(this, 'Aggregate', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(26),
      tracingEnabled: true,
      logs: { destination: sfnLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    for (const starter of [replayStartFn, scheduledReplayFn, analyzeFn]) {
      this.stateMachine.grantStartExecution(starter.fn);
      starter.env('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    }

    // --- HTTP API: every route behind the Lambda authorizer ---
    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', authorizerFn.fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // The route key is part of the cache key: a capture-scoped token's decision differs per route. The TTL is how
      // long a revoked token keeps working (README).
      identitySource: ['$request.header.Authorization', '$context.routeKey'],
      resultsCacheTtl: Duration.seconds(config.api?.authorizerCacheSeconds ?? API_DEFAULTS.authorizerCacheSeconds),
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: config.logRetentionDays as logs.RetentionDays, removalPolicy });
    this.api = new apigw.HttpApi(this, 'Api', { description: 'Switchyard HTTP API', defaultAuthorizer: authorizer, createDefaultStage: false });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      // The whole API's ceiling; each tenant also has its own bucket (settings.tenantRateLimit, 429 with Retry-After).
      throttle: { ...API_DEFAULTS.throttle, ...config.api?.throttle },
    });
    this.api.addRoutes({ path: '/v1/captures', methods: [apigw.HttpMethod.POST], integration: new HttpLambdaIntegration('CaptureInt', captureFn.fn) });
    this.api.addRoutes({ path: '/v1/replays', methods: [apigw.HttpMethod.POST], integration: new HttpLambdaIntegration('ReplayInt', replayStartFn.fn) });
    this.api.addRoutes({ path: '/v1/analyze', methods: [apigw.HttpMethod.POST], integration: new HttpLambdaIntegration('AnalyzeInt', analyzeFn.fn) });
    const resultsInt = new HttpLambdaIntegration('ResultsInt', resultsFn.fn);
    this.api.addRoutes({ path: '/v1/replays/{id}', methods: [apigw.HttpMethod.GET], integration: resultsInt });
    this.api.addRoutes({ path: '/v1/replays', methods: [apigw.HttpMethod.GET], integration: resultsInt });
    this.api.addRoutes({ path: '/v1/replays/{id}/results', methods: [apigw.HttpMethod.GET], integration: resultsInt });
    const browseInt = new HttpLambdaIntegration('CapturesInt', browseFn.fn);
    this.api.addRoutes({ path: '/v1/captures', methods: [apigw.HttpMethod.GET], integration: browseInt });
    this.api.addRoutes({ path: '/v1/captures/{id}', methods: [apigw.HttpMethod.GET], integration: browseInt });
    this.api.addRoutes({ path: '/v1/users/{user}/history', methods: [apigw.HttpMethod.GET], integration: browseInt });
    this.api.addRoutes({
      path: '/v1/replays/{id}/report',
      methods: [apigw.HttpMethod.GET],
      integration: new HttpLambdaIntegration('ReportInt', reportFn.fn),
    });
    this.api.addRoutes({ path: '/v1/openapi.json', methods: [apigw.HttpMethod.GET], integration: new HttpLambdaIntegration('OpenApiInt', openApiFn.fn) });

    // --- schedule ---
    const rule = new events.Rule(this, 'ReplaySchedule', {
      description: 'Scheduled replay of recent captures',
      schedule: events.Schedule.expression(config.schedule.expression),
      enabled: config.schedule.enabled,
    });
    rule.addTarget(
      new targets.LambdaFunction(scheduledReplayFn.fn, {
        event: events.RuleTargetInput.fromObject({ tenant_id: config.schedule.tenantId, replay: config.schedule.replay }),
        retryAttempts: 2,
      }),
    );

    // --- alarms (dead letters, worker errors, throttles, run failures, budget reached), their topic, the dashboard ---
    new Observability(this, 'Observability', {
      envName: config.name,
      alarmEmail: config.alarmEmail,
      key: props.key,
      api: this.api,
      worker: workerFn.fn,
      table,
      queue,
      deadLetters: props.deadLetters,
      stateMachine: this.stateMachine,
    });

    this.acknowledgeGrantWildcards([checkFn, scoreFn, metricsFn, recommendFn, failFn]);
  }

  /** cdk-nag findings that come from CDK's own least-privilege grants, each with its reason. */
  private acknowledgeGrantWildcards(stateFunctions: AppFunction[]): void {
    const ack = (id: string, reason: string) => Validations.of(this).acknowledge({ id, reason });
    ack(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only allows writing CloudWatch Logs: the AWS-maintained least-privilege policy for Lambda logging.',
    );
    ack('AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource restriction (Lambda active tracing).');
    // The table ARN arrives as a cross-stack import; its export name is derived from the table's logical id.
    const statefulStack = Stack.of(this).stackName.replace(/-Stateless$/, '-Stateful');
    ack(
      `AwsSolutions-IAM5[Resource::${statefulStack}:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204/index/*]`,
      "Table grants cover the table's own indexes (table/index/*): the capture time index is queried.",
    );
    ack('AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'Added by the table/queue grants for the data key; scoped to that one key.');
    ack('AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'Added by the table/queue grants for the data key; scoped to that one key.');
    for (const f of stateFunctions) {
      const logicalId = this.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction);
      ack(`AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`, 'The state machine may invoke any version of its own step function (CDK LambdaInvoke grant).');
    }
  }
}
