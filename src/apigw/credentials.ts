// The local credentials AWS_IAM methods accept: access key → secret (and session token), and who the key
// belongs to (an IAM user or an assumed-role session), which becomes `$context.identity`. Read from a
// JSON or AWS shared-credentials (INI) file (`stepgate start --credentials FILE`, or STEPGATE_CREDENTIALS),
// else two built-in test pairs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One access key and its owner. */
export interface LocalCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** temporary credentials: requests must carry this `x-amz-security-token` */
  sessionToken?: string;
  /** temporary credentials: after this (epoch ms) the token is expired */
  expiration?: number;
  accountId: string;
  /** `arn:aws:iam::ACCOUNT:user/NAME` or `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` */
  arn: string;
  /** GetCallerIdentity's UserId: `AIDA…` for users, `AROA…:SESSION` for role sessions ($context.identity.caller / user) */
  userId: string;
}

/** The AWS documentation's example pair, an IAM user `stepgate-test` of the server's account. */
export const EXAMPLE_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const EXAMPLE_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** The environment variable naming a credentials file when `--credentials` is not given. */
export const CREDENTIALS_ENV = 'STEPGATE_CREDENTIALS';

export class CredentialsError extends Error {}

/**
 * IAM unique ids are a 4-letter prefix and 17 upper-case letters/digits. Locally they are derived from
 * the ARN so a key keeps its id from one start to the next.
 */
export function uniqueId(prefix: 'AIDA' | 'AROA', arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(arn).digest();
  let out = prefix;
  for (let i = 0; out.length < 21; i++) out += alphabet[(digest[i] as number) % 32];
  return out;
}

const USER_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;
const SESSION_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/([^/]+)$/;

/** Fields of one entry of the JSON file (see docs/api-gateway.md, "Security"). */
interface Entry {
  accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown; expiration?: unknown;
  accountId?: unknown; arn?: unknown; userName?: unknown; roleName?: unknown; sessionName?: unknown; userId?: unknown;
}

function credentialOf(e: Entry, defaultAccount: string, where: string): LocalCredential {
  const str = (v: unknown, name: string, required: boolean): string | undefined => {
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '') throw new CredentialsError(`${where}: ${name} must be a non-empty string`);
    return v;
  };
  const accessKeyId = str(e.accessKeyId, 'accessKeyId', true) as string;
  const secretAccessKey = str(e.secretAccessKey, 'secretAccessKey', true) as string;
  const sessionToken = str(e.sessionToken, 'sessionToken', false);
  let expiration: number | undefined;
  if (e.expiration !== undefined) {
    expiration = typeof e.expiration === 'number' ? e.expiration * 1000 : Date.parse(String(e.expiration));
    if (!Number.isFinite(expiration)) throw new CredentialsError(`${where}: expiration must be an ISO date or epoch seconds`);
  }
  let accountId = str(e.accountId, 'accountId', false) ?? defaultAccount;
  if (!/^\d{12}$/.test(accountId)) throw new CredentialsError(`${where}: accountId must be 12 digits`);
  let arn = str(e.arn, 'arn', false);
  if (arn === undefined) {
    const role = str(e.roleName, 'roleName', false);
    if (role !== undefined) arn = `arn:aws:sts::${accountId}:assumed-role/${role}/${str(e.sessionName, 'sessionName', false) ?? 'stepgate-session'}`;
    else arn = `arn:aws:iam::${accountId}:user/${str(e.userName, 'userName', false) ?? accessKeyId}`;
  }
  const user = USER_ARN.exec(arn);
  const session = SESSION_ARN.exec(arn);
  if (!user && !session) throw new CredentialsError(`${where}: arn must be an IAM user (arn:aws:iam::ACCOUNT:user/NAME) or a role session (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)`);
  accountId = ((user ?? session) as RegExpExecArray)[2] as string;
  const userId = str(e.userId, 'userId', false)
    ?? (session ? `${uniqueId('AROA', `arn:aws:iam::${accountId}:role/${session[3] as string}`)}:${session[4] as string}` : uniqueId('AIDA', arn));
  return {
    accessKeyId, secretAccessKey, accountId, arn, userId,
    ...(sessionToken !== undefined ? { sessionToken } : {}), ...(expiration !== undefined ? { expiration } : {}),
  };
}

/** AWS shared-credentials file: `[profile]` sections with aws_access_key_id, aws_secret_access_key, aws_session_token, aws_account_id. */
function parseIni(text: string, defaultAccount: string, file: string): LocalCredential[] {
  const out: LocalCredential[] = [];
  let section: { name: string; values: Record<string, string>; line: number } | undefined;
  const flush = (): void => {
    if (!section) return;
    const v = section.values;
    if (v.aws_access_key_id === undefined && v.aws_secret_access_key === undefined) return;
    out.push(credentialOf({
      accessKeyId: v.aws_access_key_id, secretAccessKey: v.aws_secret_access_key, sessionToken: v.aws_session_token,
      accountId: v.aws_account_id, userName: section.name, ...(v.stepgate_arn !== undefined ? { arn: v.stepgate_arn } : {}),
    }, defaultAccount, `${file} [${section.name}] (line ${section.line})`));
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (head) { flush(); section = { name: head[1] as string, values: {}, line: i + 1 }; continue; }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv || !section) throw new CredentialsError(`${file}: line ${i + 1} is neither [profile] nor key = value`);
    section.values[(kv[1] as string).toLowerCase()] = (kv[2] as string).trim();
  }
  flush();
  return out;
}

/** Which access keys are known and whose they are. */
export class CredentialStore {
  private readonly byKey = new Map<string, LocalCredential>();

  constructor(entries: LocalCredential[]) {
    for (const e of entries) {
      if (this.byKey.has(e.accessKeyId)) throw new CredentialsError(`access key ${e.accessKeyId} is listed twice`);
      this.byKey.set(e.accessKeyId, e);
    }
  }

  get(accessKeyId: string): LocalCredential | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** the first entry: what Step Functions' `apigateway:invoke` tasks sign with (AuthType IAM_ROLE) */
  first(): LocalCredential | undefined {
    return this.byKey.values().next().value;
  }

  /** The built-in pairs: AWS's documented example key (IAM user `stepgate-test`) and `test`/`test`, the pair local AWS tools default to. */
  static defaults(accountId: string): CredentialStore {
    return new CredentialStore([
      credentialOf({ accessKeyId: EXAMPLE_ACCESS_KEY_ID, secretAccessKey: EXAMPLE_SECRET_ACCESS_KEY, userName: 'stepgate-test' }, accountId, 'built-in'),
      credentialOf({ accessKeyId: 'test', secretAccessKey: 'test', userName: 'test' }, accountId, 'built-in'),
    ]);
  }

  /**
   * Parses a credentials file: JSON (`{"credentials": [{accessKeyId, secretAccessKey, sessionToken?, expiration?,
   * accountId?, arn? | userName? | roleName? + sessionName?, userId?}]}` or the bare list) or an AWS
   * shared-credentials INI file. Accounts default to `accountId` (the server's).
   */
  static parse(text: string, accountId: string, file = 'credentials'): CredentialStore {
    const trimmed = text.trim();
    let entries: LocalCredential[];
    if (trimmed.startsWith('{') || (trimmed.startsWith('[') && !/^\[\s*[A-Za-z0-9_. -]+\s*\]\s*(\r?\n|$)/.test(trimmed))) {
      let doc: unknown;
      try { doc = JSON.parse(trimmed); } catch (e) { throw new CredentialsError(`${file}: invalid JSON: ${(e as Error).message}`); }
      const list = Array.isArray(doc) ? doc : typeof doc === 'object' && doc !== null ? (doc as { credentials?: unknown }).credentials : undefined;
      if (!Array.isArray(list)) throw new CredentialsError(`${file}: expected {"credentials": [...]} or a list of credentials`);
      entries = list.map((e, i) => {
        if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new CredentialsError(`${file}: credentials[${i}] must be an object`);
        return credentialOf(e as Entry, accountId, `${file}: credentials[${i}]`);
      });
    } else {
      entries = parseIni(text, accountId, file);
    }
    if (entries.length === 0) throw new CredentialsError(`${file}: no credentials`);
    return new CredentialStore(entries);
  }

  static load(path: string, accountId: string): CredentialStore {
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch (e) { throw new CredentialsError(`cannot read credentials file ${path}: ${(e as Error).message}`); }
    return CredentialStore.parse(text, accountId, path);
  }
}
