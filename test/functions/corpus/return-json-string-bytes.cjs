// Corpus behaviour `return_json_string_bytes`: the payload is the JSON string literal "HelloWorld!" (CommonJS).
/* global exports */
exports.handler = async () => 'HelloWorld!';
