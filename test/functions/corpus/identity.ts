// Corpus behaviour `identity`: returns its event unchanged (TypeScript, compiled by esbuild).
export const handler = async (event: unknown): Promise<unknown> => event;
