// --format switchyard: our own capture lines (the POST /v1/captures body, one capture per line), sent as they are.
import { isRecord, type LineMapper, reject, validateCapture } from './common.js';

export const mapSwitchyardLine: LineMapper = (record) => {
  if (!isRecord(record)) return reject('expected a JSON object (one capture)');
  if (Array.isArray(record.captures)) return reject('a batch body: put one capture per line');
  const checked = validateCapture(record);
  return checked.ok ? { kind: 'capture', capture: checked.capture } : reject(checked.reason);
};
