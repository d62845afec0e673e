'use strict';
// Fails at load time: the module below does not exist, so the runtime interface client
// posts /2018-06-01/runtime/init/error with
// Lambda-Runtime-Function-Error-Type: Runtime.ImportModuleError and exits (code 129).
// See ../ric_test.sh.

require('lambda-relay-this-module-does-not-exist');

exports.handler = async () => ({ unreachable: true });
