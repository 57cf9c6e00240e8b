// Ends the runtime process in the middle of an invocation.
export const handler = async () => {
  process.exit(3);
};
