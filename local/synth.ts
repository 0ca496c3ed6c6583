// Synthesizes the CDK app in-process (bundling skipped) with cdk.json's context, as `cdk synth` would.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../cdk/stage.js';

export type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function cdkContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export function synthTemplates(envName = 'dev'): { stateful: Template; stateless: Template; validationReport: unknown; statelessStackName: string } {
  const { app, stage } = buildApp({ ...cdkContext(), env: envName, 'aws:cdk:bundling-stacks': [] });
  const assembly = app.synth();
  const stageAssembly = assembly.getNestedAssembly(`assembly-${stage.stageName}`);
  const templateOf = (stackName: string) => stageAssembly.getStackByName(stackName).template as Template;
  return {
    stateful: templateOf(stage.stateful.stackName),
    stateless: templateOf(stage.stateless.stackName),
    validationReport: readValidationReport(assembly.directory),
    statelessStackName: stage.stateless.stackName,
  };
}

function readValidationReport(dir: string): unknown {
  const file = path.join(dir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : null;
}
