'use strict';
// Handler run by the real AWS Node.js runtime interface client (aws-lambda-ric) under
// lambda-emulator; see ../ric_test.sh.
//   {"action":"ok", ...}    -> returns {ok, echo: event, awsRequestId, ...}
//   {"action":"throw", ...} -> throws TypeError("handler exploded on purpose")

exports.handler = async (event, context) => {
  console.log('got event', JSON.stringify(event));
  console.log('request id', context.awsRequestId, 'remaining ms', context.getRemainingTimeInMillis());

  if (event && event.action === 'throw') {
    throw new TypeError('handler exploded on purpose');
  }

  return {
    ok: true,
    echo: event,
    awsRequestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn,
    functionName: context.functionName,
    memoryLimitInMB: context.memoryLimitInMB,
    remainingTimePositive: context.getRemainingTimeInMillis() > 0,
  };
};
