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
