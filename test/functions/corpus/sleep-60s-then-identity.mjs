// Corpus behaviour `sleep_60s_then_identity`: sleeps 60 s, then returns the event.
export const handler = async (event) => {
  await new Promise((r) => setTimeout(r, 60_000));
  return event;
};
