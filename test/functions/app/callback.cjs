/* global exports */
// CommonJS handler in the callback style.
exports.handler = (event, context, callback) => {
  setTimeout(() => callback(null, { echoed: event, style: 'callback' }), 1);
};
