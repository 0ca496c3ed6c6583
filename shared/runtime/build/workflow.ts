// Builder for the Step Functions workflow that aggregates a run.
import { StepFunctionsWorkflow } from '../../adapters/sfn-workflow.js';
import type { Ports } from '../../use-cases/deps.js';
import { ConfigurationError } from '../platform.js';
import { type Builder, once } from '../wiring.js';

export const stepFunctionsWorkflow: Builder<Ports['workflow']> = (p) =>
  once(p, 'workflow', () => {
    if (!p.stateMachineArn) throw new ConfigurationError('STATE_MACHINE_ARN is not configured for this function');
    return new StepFunctionsWorkflow(p.stateMachineArn, p.region);
  });
