// The failure converter of every Temporal client and worker of the service: failure messages
// and stack traces travel as an encoded payload, so the payload codec encrypts them too (an
// SMTP error quotes addresses). CommonJS because the SDK require()s this path in every
// process (tsx, vitest, compiled) and bundles it into the workflow code.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
