// Seed 002's Lambda handlers (callback style, as in the seed's step-functions.js): each one logs what
// it received and answers which function ran; wait3000 / wait500 take that long, like the seed's.
exports.start = (event, context, callback) => {
  console.log('start event', event);
  callback(undefined, { function: 'start' });
};

exports.wait3000 = (event, context, callback) => {
  console.log('wait3000 event', event);
  setTimeout(() => {
    callback(undefined, { function: 'wait3000' });
  }, 3000);
};

exports.wait500 = (event, context, callback) => {
  console.log('wait500 event', event);
  setTimeout(() => {
    callback(undefined, { function: 'wait500' });
  }, 500);
};

exports.end = (event, context, callback) => {
  console.log('end event', event);
  callback(undefined, { function: 'end' });
};
