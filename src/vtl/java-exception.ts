// A Java exception raised by a method a template called (java.lang / java.util / java.util.regex).
// Velocity 1.7 wraps it in a MethodInvocationException that aborts rendering; API Gateway answers 500.

export class JavaException extends Error {
  constructor(readonly javaClass: string, message: string) {
    super(`${javaClass}: ${message}`);
    this.name = 'JavaException';
  }
}
