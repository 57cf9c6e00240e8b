// Corpus behaviour `return_257kib_string_bytes`: a 263,168-byte result of letters "a". The Python function
// returned raw bytes; a Node handler's result is always JSON, so this one returns the same letters as a
// string: Step Functions rejects either before use (States.DataLimitExceeded, functions.md).
export const handler = async () => 'a'.repeat(263_168);
