// The stage (one per environment) and the app builder: the only place that reads context.
import { App, Stage, type StageProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { type EnvironmentConfig, environmentConfig } from './config.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export class SwitchyardStage extends Stage {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;

  constructor(scope: Construct, id: string, props: StageProps & { config: EnvironmentConfig }) {
    super(scope, id, props);
    this.stateful = new StatefulStack(this, 'Stateful', { config: props.config, terminationProtection: props.config.retainData });
    this.stateless = new StatelessStack(this, 'Stateless', {
      config: props.config,
      table: this.stateful.table,
      queue: this.stateful.queue,
      deadLetters: this.stateful.deadLetters,
      key: this.stateful.key,
      providerSecret: this.stateful.providerSecret,
    });
  }
}

export function buildApp(context: Record<string, unknown> = {}): { app: App; stage: SwitchyardStage; envName: string } {
  const app = new App({ context });
  const envName = String(app.node.tryGetContext('env') ?? 'dev');
  const config = environmentConfig(app.node.tryGetContext('switchyard:environments'), envName);
  const stage = new SwitchyardStage(app, `Switchyard-${envName}`, {
    config,
    env: { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
  });
  Tags.of(stage).add('app', 'switchyard');
  Tags.of(stage).add('environment', envName);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stage, envName };
}
