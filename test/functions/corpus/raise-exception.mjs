// Corpus behaviour `raise_exception`: the Python function's `raise Exception("Some exception was raised.")`,
// with the Python runtime's stack trace (functions.md) so error causes match the recording.
export const handler = async () => {
  const e = new Error('Some exception was raised.');
  e.name = 'Exception';
  e.stackTrace = ['  File "/var/task/handler.py", line 2, in handler\n    raise Exception("Some exception was raised.")\n'];
  throw e;
};
