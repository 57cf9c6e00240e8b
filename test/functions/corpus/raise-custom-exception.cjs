// Corpus behaviour `raise_custom_exception`: `raise CustomException()` of a user-defined class (CommonJS).
/* global exports */
class CustomException extends Error {
  constructor() {
    super('');
    this.name = 'CustomException';
    this.stackTrace = ['  File "/var/task/handler.py", line 9, in handler\n    raise CustomException()\n'];
  }
}
exports.handler = async () => { throw new CustomException(); };
