// Returns a value JSON cannot represent (a cycle): the runtime cannot serialise the response.
export const handler = async () => {
  const a = { name: 'a' };
  a.self = a;
  return a;
};
