// Returns its event (the trivial handler of bench/lambda and the task tests).
export const handler = async (event) => event;
