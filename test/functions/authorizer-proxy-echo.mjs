// A Lambda proxy integration for test/apigw-authorizers.test.ts: answers with the event's
// requestContext.authorizer and identity, so tests see what an authorizer handed on.
export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ authorizer: event.requestContext.authorizer ?? null, identity: event.requestContext.identity }),
});
