// Prices an order: quantity × UNIT_PRICE (from the template's Environment).
export const handler = async (event) => ({ total: event.quantity * Number(process.env.UNIT_PRICE) });
