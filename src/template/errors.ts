// A template problem, pointing at the file, line and logical id it concerns.

export interface TemplateLocation {
  file?: string;
  line?: number;
  column?: number;
  logicalId?: string;
}

export class TemplateError extends Error {
  constructor(readonly reason: string, readonly where: TemplateLocation = {}) {
    const at = [where.file, where.line !== undefined ? `line ${where.line}${where.column !== undefined ? `:${where.column}` : ''}` : undefined]
      .filter(Boolean).join(', ');
    super(`${at ? `${at}: ` : ''}${where.logicalId ? `${where.logicalId}: ` : ''}${reason}`);
    this.name = 'TemplateError';
  }
}

/**
 * CloudFormation's answer to a Ref, Fn::Sub, Fn::GetAtt or DependsOn naming no resource that will be
 * created, by the template block it appears in (`logicalId` `Outputs.X` / `Conditions.X`, else a resource).
 */
export function unresolvedDependencies(ids: string[], logicalId?: string): string {
  const list = ids.join(', ');
  if (logicalId?.startsWith('Conditions.')) return `Template format error: Unresolved dependencies [${list}]. Cannot reference resources in the Conditions block of the template`;
  return `Template format error: Unresolved resource dependencies [${list}] in the ${logicalId?.startsWith('Outputs.') ? 'Outputs' : 'Resources'} block of the template`;
}
