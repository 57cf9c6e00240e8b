// Throws from an async handler: a function error (Unhandled) in the Node.js runtime's shape.
export const handler = async () => {
  throw new TypeError('no such order');
};
