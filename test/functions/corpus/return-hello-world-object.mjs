// Corpus behaviour `return_hello_world_object`: ignores the event.
export const handler = async () => ({ Return: 'HelloWorld' });
