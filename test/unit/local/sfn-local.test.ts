// The local state machine's task timeouts follow the functions' timeouts, as on AWS (not the emulator's 60 s default).
import { describe, expect, it } from 'vitest';
import { aslFromTemplate } from '../../../local/sfn-local.js';

const template = {
  Resources: {
    ScoreFn: { Type: 'AWS::Lambda::Function', Properties: { Timeout: 600 } },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"Score","States":{"Score":{"Type":"Task","Resource":"',
              { 'Fn::GetAtt': ['ScoreFn', 'Arn'] },
              '","Next":"Fixed"},"Fixed":{"Type":"Task","Resource":"',
              { 'Fn::GetAtt': ['ScoreFn', 'Arn'] },
              '","TimeoutSeconds":5,"Next":"Unknown"},"Unknown":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","End":true}}}',
            ],
          ],
        },
      },
    },
  },
};

describe('aslFromTemplate', () => {
  it("gives each Lambda task its function's timeout, keeps an explicit one, and bounds the rest by Lambda's maximum", () => {
    const asl = aslFromTemplate(template) as { States: Record<string, { TimeoutSeconds?: number }> };
    expect(asl.States.Score?.TimeoutSeconds).toBe(600);
    expect(asl.States.Fixed?.TimeoutSeconds).toBe(5);
    expect(asl.States.Unknown?.TimeoutSeconds).toBe(900);
  });
});
