// Runs the aggregate state machine locally with aws-local-stepfunctions, from the ASL in the synthesized template.
import { StateMachine } from 'aws-local-stepfunctions';
import type { Workflow } from '../shared/ports/index.js';
import type { RunRef } from '../shared/schemas/messages.js';
import type { Template } from './synth.js';

// aws-local-stepfunctions 3.x uses Promise.withResolvers (Node >= 22); Node 20 needs this polyfill.
type Resolvers = { promise: Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
const P = Promise as unknown as { withResolvers?: () => Resolvers };
if (!P.withResolvers) {
  P.withResolvers = () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

type Intrinsic = string | { 'Fn::Join'?: [string, Intrinsic[]]; 'Fn::GetAtt'?: [string, string]; Ref?: string };

/** Resolves the intrinsics CDK uses in DefinitionString to plain text, with placeholder ARNs for resources. */
export function resolveIntrinsic(value: Intrinsic): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) {
    const [sep, parts] = value['Fn::Join'];
    return parts.map(resolveIntrinsic).join(sep);
  }
  if (value['Fn::GetAtt']) return `arn:aws:lambda:us-east-1:123456789012:function:${value['Fn::GetAtt'][0]}`;
  if (value.Ref)
    return value.Ref === 'AWS::Partition' ? 'aws' : value.Ref === 'AWS::Region' ? 'us-east-1' : value.Ref === 'AWS::AccountId' ? '123456789012' : value.Ref;
  throw new Error(`unsupported intrinsic in state machine definition: ${JSON.stringify(value).slice(0, 200)}`);
}

export function aslFromTemplate(template: Template): Record<string, unknown> {
  const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const definition = machine?.Properties?.DefinitionString as Intrinsic | undefined;
  if (!definition) throw new Error('no state machine in the stateless template');
  const asl = JSON.parse(resolveIntrinsic(definition)) as { States?: Record<string, Record<string, unknown>> };
  // A Task without TimeoutSeconds has no state timeout on AWS (the Lambda's own timeout bounds it), but
  // aws-local-stepfunctions gives it 60 s: on a busy machine a long ScoreQuality batch then fails the run with
  // States.Timeout. Locally each task gets its function's timeout from the template instead.
  for (const state of Object.values(asl.States ?? {})) {
    if (state.Type !== 'Task' || state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined) continue;
    const logicalId = /:function:([^:]+)$/.exec(String(state.Resource))?.[1];
    const timeout = logicalId ? (template.Resources[logicalId]?.Properties?.Timeout as number | undefined) : undefined;
    state.TimeoutSeconds = timeout ?? 900;
  }
  return asl as Record<string, unknown>;
}

export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

/** The Workflow port for the local stack: one local execution per run id, like a named Step Functions execution. */
export class LocalStepFunctions implements Workflow {
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, { result: Promise<unknown>; abort: () => void }>();

  constructor(
    asl: Record<string, unknown>,
    private readonly handlers: TaskHandlers,
    private readonly timing: { waitOverrides: Record<string, number>; retryIntervalMs: number },
  ) {
    this.machine = new StateMachine(asl as never, { validationOptions: { checkArn: false } } as never);
  }

  async startAggregation(ref: RunRef): Promise<void> {
    if (this.executions.has(ref.run_id)) return;
    const retryIntervalOverrides = Object.fromEntries(Object.keys(this.handlers).map((name) => [name, this.timing.retryIntervalMs]));
    const execution = this.machine.run(ref as never, {
      overrides: {
        taskResourceLocalHandlers: this.handlers as never,
        waitTimeOverrides: this.timing.waitOverrides,
        retryIntervalOverrides,
      },
      noThrowOnAbort: true,
    });
    // Failures end in the machine's own MarkFailed → Fail path; keep the rejection from going unhandled.
    const result = execution.result.catch((error: unknown) => ({ failed: error instanceof Error ? error.message : String(error) }));
    this.executions.set(ref.run_id, { result, abort: () => execution.abort() });
  }

  /** Resolves when the run's execution ends (tests and the demo wait on it). */
  async waitFor(runId: string): Promise<unknown> {
    const execution = this.executions.get(runId);
    if (!execution) throw new Error(`no local execution for ${runId}`);
    return execution.result;
  }

  stop(): void {
    for (const e of this.executions.values()) e.abort();
  }
}
