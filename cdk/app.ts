// The CDK app entry (cdk.json "app"): one Stage per environment, chosen with `-c env=NAME` (default dev).
import { buildApp } from './stage.js';

buildApp().app.synth();
