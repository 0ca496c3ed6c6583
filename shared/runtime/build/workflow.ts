// Builder for the Step Functions workflow that aggregates a run.
import type { Ports } from '../../use-cases/deps.js';
import { ConfigurationError } from '../platform.js';
import { type Builder, once } from '../wiring.js';

export const stepFunctionsWorkflow: Builder<Ports['workflow']> = (p) =>
  once(p, 'workflow', async () => {
    if (!p.stateMachineArn) throw new ConfigurationError('STATE_MACHINE_ARN is not configured for this function');
    // Loaded when the wiring is built, not at import (the Step Functions client stays out of the cold import).
    const { StepFunctionsWorkflow } = await import('../../adapters/sfn-workflow.js');
    return new StepFunctionsWorkflow(p.stateMachineArn, p.region);
  });
