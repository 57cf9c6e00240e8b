// Throws outside the handler's promise (in a timer): an uncaught exception ends the environment.
export const handler = () => new Promise(() => {
  setTimeout(() => { throw new RangeError('late failure'); }, 1);
});
