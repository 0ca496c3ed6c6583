// The AWS SDK's notice about Node 20 support ending in 2027 is noise in test output (the lockfile pins the SDK).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
