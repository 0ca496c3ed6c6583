// Names the local stack and the light CLI commands share, in a module that loads nothing (token commands stay fast).
export const LOCAL_TABLE = 'switchyard-local';
export const LOCAL_REGION = 'us-east-1';
/** dynalite accepts any credentials; the SDK needs some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
