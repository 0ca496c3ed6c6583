// The AWS SDK's Node 20 deprecation notice is noise in test output; everything else still prints.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'NodeVersionSupportWarning') console.warn(w);
});
