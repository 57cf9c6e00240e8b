// The authorization stage of the invocation pipeline (FACTS §5.1 step 2): the method's
// authorizationType picks who authenticates the caller (SigV4 for AWS_IAM, a Lambda authorizer for
// CUSTOM, a user-pool token for COGNITO_USER_POOLS), then the API's resource policy is evaluated
// with whatever identity that produced (before the authorizer, for CUSTOM). Each part lives in its
// own module; this file only orders them.
import type { InvocationContext } from './pipeline.js';

/** What each part needs from the server; every part is optional so a bare pipeline still runs. */
export interface AuthorizationParts {
  /** AWS_IAM: verifies SigV4 and fills `$context.identity` (throws GatewayError) */
  iam?: (ctx: InvocationContext) => Promise<void> | void;
  /** CUSTOM: runs the method's Lambda authorizer (TOKEN or REQUEST) */
  lambda?: (ctx: InvocationContext) => Promise<void>;
  /** COGNITO_USER_POOLS: verifies the token against the configured JWKS */
  cognito?: (ctx: InvocationContext) => Promise<void>;
  /** the REST API's resource policy (`api.policy`), after authentication */
  resourcePolicy?: (ctx: InvocationContext) => Promise<void> | void;
}

export function authorizationStage(parts: AuthorizationParts): (ctx: InvocationContext) => Promise<void> {
  return async (ctx) => {
    const method = ctx.route?.compiled.method;
    if (!method) return;
    const policy = parts.resourcePolicy && ctx.api.snapshot.api.policy ? parts.resourcePolicy : undefined;
    // With a Lambda authorizer AWS evaluates the resource policy first: an explicit Deny refuses without
    // invoking the authorizer (AWS "How API Gateway resource policies affect authorization workflow").
    // The caller is anonymous either way, so evaluating before or after gives the same decision.
    if (method.authorizationType === 'CUSTOM') {
      if (policy) await policy(ctx);
      if (parts.lambda) await parts.lambda(ctx);
      return;
    }
    switch (method.authorizationType) {
      case 'AWS_IAM': if (parts.iam) await parts.iam(ctx); break;
      case 'COGNITO_USER_POOLS': if (parts.cognito) await parts.cognito(ctx); break;
      default: break;
    }
    if (policy) await policy(ctx);
  };
}
