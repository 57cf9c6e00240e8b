// Typed errors of the API Gateway management API (AWS code + HTTP status), converted to the wire in
// one place (toWire), and the gateway-response types of an invocation (FACTS §5.7).

export class ApiGatewayError extends Error {
  constructor(readonly code: string, readonly status: number, message: string) {
    super(message);
    this.name = code;
  }
  /** AWS REST JSON error: `{"message": ...}` plus the `x-amzn-ErrorType` header. */
  toWire(): { status: number; headers: Record<string, string>; body: string } {
    return { status: this.status, headers: { 'x-amzn-ErrorType': this.code }, body: JSON.stringify({ message: this.message }) };
  }
}

export const notFound = (message: string): ApiGatewayError => new ApiGatewayError('NotFoundException', 404, message);
export const badRequest = (message: string): ApiGatewayError => new ApiGatewayError('BadRequestException', 400, message);
export const conflict = (message: string): ApiGatewayError => new ApiGatewayError('ConflictException', 409, message);

/** Gateway response types with AWS's default status, message and x-amzn-ErrorType (FACTS §5.7). */
export const GatewayResponseType = {
  MISSING_AUTHENTICATION_TOKEN: 'MISSING_AUTHENTICATION_TOKEN',
  INVALID_API_KEY: 'INVALID_API_KEY',
  ACCESS_DENIED: 'ACCESS_DENIED',
  UNAUTHORIZED: 'UNAUTHORIZED',
  THROTTLED: 'THROTTLED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  INTEGRATION_TIMEOUT: 'INTEGRATION_TIMEOUT',
  INTEGRATION_FAILURE: 'INTEGRATION_FAILURE',
  BAD_REQUEST_BODY: 'BAD_REQUEST_BODY',
  BAD_REQUEST_PARAMETERS: 'BAD_REQUEST_PARAMETERS',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  API_CONFIGURATION_ERROR: 'API_CONFIGURATION_ERROR',
  AUTHORIZER_CONFIGURATION_ERROR: 'AUTHORIZER_CONFIGURATION_ERROR',
  AUTHORIZER_FAILURE: 'AUTHORIZER_FAILURE',
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  EXPIRED_TOKEN: 'EXPIRED_TOKEN',
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  RESOURCE_NOT_FOUND: 'RESOURCE_NOT_FOUND',
  DEFAULT_4XX: 'DEFAULT_4XX',
  DEFAULT_5XX: 'DEFAULT_5XX',
} as const;
export type GatewayResponseType = (typeof GatewayResponseType)[keyof typeof GatewayResponseType];

/**
 * `message` null renders `{"message":null}` (AUTHORIZER_CONFIGURATION_ERROR, FACTS §5.7); `messageKey` names the
 * body's key when AWS's default body does not use `message` (ACCESS_DENIED answers `{"Message": ...}`).
 */
export const GATEWAY_DEFAULTS: Record<string, { status: number; message: string | null; errorType: string; messageKey?: string }> = {
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  INVALID_API_KEY: { status: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  ACCESS_DENIED: { status: 403, message: 'Forbidden', errorType: 'AccessDeniedException', messageKey: 'Message' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  THROTTLED: { status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  QUOTA_EXCEEDED: { status: 429, message: 'Limit Exceeded', errorType: 'LimitExceededException' },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out', errorType: 'InternalServerErrorException' },
  INTEGRATION_FAILURE: { status: 504, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  BAD_REQUEST_BODY: { status: 400, message: 'Invalid request body', errorType: 'BadRequestException' },
  BAD_REQUEST_PARAMETERS: { status: 400, message: 'Missing required request parameters', errorType: 'BadRequestException' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Media Type', errorType: 'UnsupportedMediaTypeException' },
  API_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  // x-amzn-ErrorType AuthorizerConfigurationException is what users report seeing; AUTHORIZER_FAILURE's is unverified.
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, message: null, errorType: 'AuthorizerConfigurationException' },
  AUTHORIZER_FAILURE: { status: 500, message: null, errorType: 'AuthorizerFailureException' },
  // SigV4 rejections (AWS_IAM); each failure names its own x-amzn-ErrorType and message (src/apigw/sigv4-verify.ts).
  INVALID_SIGNATURE: { status: 403, message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', errorType: 'InvalidSignatureException' },
  EXPIRED_TOKEN: { status: 403, message: 'The security token included in the request is expired', errorType: 'ExpiredTokenException' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', errorType: 'RequestTooLongException' },
  RESOURCE_NOT_FOUND: { status: 404, message: 'Not Found', errorType: 'NotFoundException' },
};

/** An invocation that ends in a gateway response (FACTS §5.7) rather than an integration response. */
export class GatewayError extends Error {
  /** the message the response carries (null renders as JSON null) */
  readonly detail: string | null;
  /** `errorType`: the x-amzn-ErrorType when it is not the type's default (e.g. IncompleteSignatureException) */
  constructor(readonly type: GatewayResponseType, message?: string | null, readonly errorType?: string) {
    const def = GATEWAY_DEFAULTS[type];
    const detail = message !== undefined ? message : def ? def.message : 'Internal server error';
    super(detail ?? 'null');
    this.detail = detail;
    this.name = type;
  }
}
