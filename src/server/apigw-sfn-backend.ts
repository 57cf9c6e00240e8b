// Wires the Step Functions service into API Gateway's AWS integration port (apigw may not import
// sfn): the mapped body is parsed as the action's AWS JSON 1.0 request, errors leave as AWS's JSON.
import type { StepFunctionsBackend } from '../apigw/integrations.js';
import type { SfnService } from '../sfn/api.js';
import { SfnError, serializationError, unknownOperation } from '../sfn/errors.js';

export function sfnBackend(service: SfnService): StepFunctionsBackend {
  return {
    async call(action, jsonBody) {
      try {
        if (!Object.prototype.hasOwnProperty.call(service.actions, action)) throw unknownOperation();
        let body: unknown = {};
        if (jsonBody.trim() !== '') {
          // A template that renders invalid JSON gets SFN's SerializationException (HTTP 400).
          try { body = JSON.parse(jsonBody); } catch { throw serializationError('Start of structure or map found where not expected.'); }
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw serializationError('Start of structure or map found where not expected.');
        const out = await service.handle(action, body as Record<string, unknown>);
        return { status: 200, body: JSON.stringify(out), json: out };
      } catch (e) {
        if (e instanceof SfnError) {
          const w = e.toWire();
          return { status: w.status, body: JSON.stringify(w.body), headers: { 'x-amzn-ErrorType': e.code } };
        }
        return { status: 500, body: JSON.stringify({ __type: 'com.amazonaws.swf.service.v2.model#InternalFailure', message: 'An internal error occurred' }) };
      }
    },
  };
}
