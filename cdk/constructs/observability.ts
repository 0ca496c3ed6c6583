// What an operator watches: alarms on dead letters, worker errors, throttles, failed runs and reached budgets, an
// SNS topic they notify (encrypted with the data key where the environment has one), and one dashboard.
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS, METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from '../../shared/config/metrics.js';

export type ObservabilityProps = {
  envName: string;
  alarmEmail?: string;
  /** the data key; the topic is encrypted with it */
  key?: kms.IKey;
  api: apigw.HttpApi;
  worker: lambda.IFunction;
  table: dynamodb.ITableV2;
  queue: sqs.IQueue;
  deadLetters: sqs.IQueue;
  stateMachine: sfn.IStateMachine;
};

const PERIOD = Duration.minutes(5);

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { worker, queue, deadLetters, table, stateMachine, api } = props;
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Switchyard ${props.envName} alarms`,
      // Without a customer-managed key (dev) the topic stays unencrypted: CloudWatch alarms cannot publish to a topic
      // encrypted with the AWS-managed SNS key, and notifications carry alarm names only, never customer data.
      enforceSSL: true,
      ...(props.key ? { masterKey: props.key } : {}),
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    /** One of our EMF metrics (shared/config/metrics.ts), as Powertools publishes it. */
    const business = (name: MetricName, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: METRICS_SERVICE, environment: props.envName },
        statistic,
        period: PERIOD,
      });
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string, threshold = 1, evaluationPeriods = 1) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Switchyard (${props.envName}): ${description}`,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(a);
      return a;
    };

    // The dead-letter function consumes the DLQ: count what reached it, and alarm if it stops draining.
    alarm('DeadLetterAlarm', deadLetters.metricNumberOfMessagesReceived({ period: PERIOD, statistic: 'Sum' }), 'work items reached the dead-letter queue');
    alarm(
      'DeadLetterDepthAlarm',
      deadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      'the dead-letter queue is not draining (its consumer fails)',
      1,
      3,
    );
    alarm('WorkerErrorsAlarm', worker.metricErrors({ period: PERIOD, statistic: 'Sum' }), 'the replay worker failed invocations (crash or timeout)');
    alarm('WorkerThrottlesAlarm', worker.metricThrottles({ period: PERIOD, statistic: 'Sum' }), 'the replay worker was throttled by Lambda');
    alarm(
      'TableThrottlesAlarm',
      table.metricThrottledRequestsForOperations({
        operations: [
          dynamodb.Operation.GET_ITEM,
          dynamodb.Operation.PUT_ITEM,
          dynamodb.Operation.UPDATE_ITEM,
          dynamodb.Operation.QUERY,
          dynamodb.Operation.BATCH_GET_ITEM,
          dynamodb.Operation.BATCH_WRITE_ITEM,
        ],
        period: PERIOD,
      }),
      'DynamoDB throttled requests to the table',
    );
    // 429s are absorbed by delaying messages; alarm only when they persist (15 minutes of at least 50 per 5 minutes).
    alarm('ProviderThrottlesAlarm', business('ProviderThrottles'), 'providers keep answering 429 (rate limits too high in settings?)', 50, 3);
    alarm('RunFailuresAlarm', business('RunsFailed'), 'a replay run ended failed');
    alarm(
      'AggregateFailuresAlarm',
      new cloudwatch.MathExpression({
        expression: 'failed + timedOut',
        usingMetrics: { failed: stateMachine.metricFailed({ period: PERIOD }), timedOut: stateMachine.metricTimedOut({ period: PERIOD }) },
        period: PERIOD,
        label: 'aggregate executions failed or timed out',
      }),
      'the aggregate state machine failed or timed out',
    );
    alarm('BudgetReachedAlarm', business('BudgetReached'), 'a replay run reached its budget and skipped work');

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `Switchyard-${props.envName}`,
      defaultInterval: Duration.hours(24),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });
    const sum = (m: cloudwatch.Metric) => m.with({ statistic: 'Sum', period: PERIOD });
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }));
    this.dashboard.addWidgets(
      graph('API requests and errors', [sum(api.metricCount()), sum(api.metricClientError()), sum(api.metricServerError())]),
      graph('API latency (p50, p99)', [api.metricLatency({ statistic: 'p50' }), api.metricLatency({ statistic: 'p99' })]),
      graph(
        'Work queue',
        [queue.metricApproximateNumberOfMessagesVisible(), deadLetters.metricApproximateNumberOfMessagesVisible({ label: 'dead letters waiting' })],
        [queue.metricApproximateAgeOfOldestMessage()],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Worker',
        [sum(worker.metricInvocations()), sum(worker.metricErrors()), sum(worker.metricThrottles())],
        [worker.metricDuration({ statistic: 'p95' })],
      ),
      graph('Provider and judge calls', [business('ProviderCalls'), business('ProviderErrors'), business('ProviderThrottles'), business('JudgeCalls')]),
      graph('Spend, USD per 5 minutes', [business('ProviderCostUsd'), business('JudgeCostUsd')]),
    );
    this.dashboard.addWidgets(
      graph('Results', [business('ResultsStored'), business('Refusals'), business('BudgetSkips')]),
      graph('Runs', [business('RunsCompleted'), business('RunsPartial'), business('RunsFailed'), business('BudgetReached')]),
      graph('Aggregate state machine', [sum(stateMachine.metricStarted()), sum(stateMachine.metricSucceeded()), sum(stateMachine.metricFailed())]),
    );
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `Business metrics: namespace \`${METRICS_NAMESPACE}\`, dimensions \`service=${METRICS_SERVICE}\`, \`environment=${props.envName}\`. ${Object.keys(METRICS).length} metrics, defined in shared/config/metrics.ts. Traces: X-Ray (Lambda active tracing, state machine tracing).`,
        width: 24,
        height: 2,
      }),
    );
  }
}
