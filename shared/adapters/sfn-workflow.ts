import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Workflow } from '../ports/index.js';
import type { RunRef } from '../schemas/messages.js';

/** Starts the deployed aggregate state machine; the execution name is the run id, so a second start is a no-op. */
export class StepFunctionsWorkflow implements Workflow {
  private readonly sfn: SFNClient;
  constructor(
    private readonly stateMachineArn: string,
    region: string,
  ) {
    this.sfn = new SFNClient({ region });
  }

  async startAggregation(ref: RunRef): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: ref.run_id, input: JSON.stringify(ref) }));
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
