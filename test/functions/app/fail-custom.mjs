// A function error with a user-defined error type (Step Functions matches it in Retry/Catch).
class PaymentDeclined extends Error {
  constructor(message) {
    super(message);
    this.name = 'PaymentDeclined';
  }
}
export const handler = async () => { throw new PaymentDeclined('card expired'); };
