// Never settles: Lambda ends the invocation at the function's timeout.
/* global setInterval */
export const handler = () => new Promise(() => { setInterval(() => undefined, 1000); });
