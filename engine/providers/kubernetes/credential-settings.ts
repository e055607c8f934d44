import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MIN_SCRUB_LENGTH, privateKeyForms } from '../../redact/scrubber.js';

// Which settings of a kubeconfig user hold a credential, where no field says so: an exec credential plugin's
// environment and arguments, an auth provider's extra settings. Every value taken here is scrubbed from all of
// plumb's output, so the rule has two faults to avoid — a credential missed (printed in clear when a plugin echoes
// it) and a setting taken by mistake (a profile, a path, a word scrubbed from every line). It follows the secret
// scanners' two-part test (gitleaks' generic-api-key rule, detect-secrets' keyword plugin): a credential word in
// the name, then the value's form; and, like gitleaks' specific rules, a few credential forms that need no name.
// Hand-written: those tools are Go and Python, and secretlint (npm) scans files asynchronously, rule by provider,
// with no rule for names.

/** Name words whose setting holds a credential whatever the value looks like (bar the forms of {@link notASecret}). */
const STRONG_WORDS = new Set([
  'token',
  'tokens',
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'pat',
  'credential',
  'credentials',
  'cred',
  'creds',
  'apikey',
  'apikeys',
  'privatekey',
  'secretkey',
  'signingkey',
  'psk',
  'sshpass',
  // a bearer token by another name (curl's --oauth2-bearer, BEARER=…)
  'bearer',
]);

/** A single word that ends in a strong word: `APITOKEN`, `ACCESSTOKEN`, `CLIENTSECRET`, `DBPASSWORD`. */
const STRONG_COMPOUND = /(?:token|secret|password|passwd|passphrase|apikey)s?$/;

/**
 * Name words that often, not always, mean a credential: `key` (`SIGNING_KEY`, but `CACHE_KEY`, `SORT_KEY`) and
 * `auth` (`BASIC_AUTH=user:pass`, but `AUTH=device-code`). Under these a value of letters and `_.-` alone is a name,
 * not key material (gitleaks' generic rule allows the same form), and a qualifier in {@link NOT_CREDENTIAL_KEYS}
 * makes the word mean something else.
 */
const WEAK_WORDS = new Set(['key', 'keys', 'auth', 'accesskey', 'sshkey']);

/**
 * Words before `key` that make it a lookup or a public key, not a credential (`CACHE_KEY`, `AWS_KMS_KEY`, `PUBLIC_KEY`).
 * Not `primary` (Azure's storage and Cosmos DB access keys are a primary and a secondary key), `hash` (an HMAC key),
 * `config`, `state` or `search` (Algolia's search key is an API key): a database's primary or hash key attribute is
 * a name, which the letters-only rule leaves out anyway.
 */
const NOT_CREDENTIAL_KEYS = new Set([
  'cache',
  'sort',
  'partition',
  'foreign',
  'range',
  'routing',
  'shard',
  'idempotency',
  'lookup',
  'dedup',
  'deduplication',
  'public',
  'pub',
  'kms',
  'map',
  'object',
  'label',
  'annotation',
  'index',
  'unique',
  'composite',
]);

/**
 * Words after the credential word that make the name describe the credential rather than hold it (the English
 * head noun decides: a token's file, a secret's name, a key's id). Any other word after it — `VALUE`, `CONTENT`,
 * `DATA`, `PEM`, `JSON`, `B64`, `PROD`, `V2`, `2` — keeps the credential (`TOKEN_VALUE`, `PRIVATE_KEY_PEM`,
 * `API_KEY_PROD`). `ID` is an identifier after `key` or `token` (`AWS_ACCESS_KEY_ID`, a bootstrap token's id) but
 * a credential after `secret` (Vault AppRole's `VAULT_SECRET_ID`).
 */
const METADATA_WORDS = new Set([
  'id',
  'ids',
  'file',
  'files',
  'filename',
  'path',
  'paths',
  'dir',
  'directory',
  'folder',
  'location',
  'type',
  'kind',
  'name',
  'names',
  'arn',
  'url',
  'uri',
  'endpoint',
  'host',
  'hostname',
  'server',
  'port',
  'addr',
  'address',
  'sock',
  'socket',
  'region',
  'zone',
  'expiry',
  'expiration',
  'expires',
  'expire',
  'ttl',
  'lifetime',
  'duration',
  'timeout',
  'interval',
  'period',
  'age',
  'algorithm',
  'alg',
  'algo',
  'length',
  'len',
  'size',
  'bits',
  'version',
  'format',
  'header',
  'prefix',
  'suffix',
  'mode',
  'method',
  'flow',
  'policy',
  'provider',
  'source',
  'store',
  'vault',
  'ring',
  'rotation',
  'scope',
  'scopes',
  'audience',
  'issuer',
  'subject',
  'role',
  'user',
  'username',
  'email',
  'env',
  'var',
  'field',
  'label',
  'ref',
  'reference',
  'selector',
  'namespace',
  'mount',
  'engine',
  'backend',
  'manager',
  'command',
  'cmd',
  'helper',
  'plugin',
  'script',
  'usage',
  'count',
  'limit',
  'enabled',
  'enable',
  'disabled',
  'required',
  'fingerprint',
  'pair',
  'stdin',
  'prompt',
]);

/** A credential-named value shorter than this is not taken: a short common word scrubbed from every line would mangle it. */
export const SETTING_SECRET_LENGTH = 8;

/** Short flags that name a credential: `-p` is the password of docker, mysql, sshpass and `az login`. */
const SHORT_CREDENTIAL_FLAGS = new Set(['p']);

/** What a setting's name says its value is. */
export type CredentialName = 'strong' | 'weak' | undefined;

/**
 * Whether a setting's or variable's name says its value is a credential: `strong` where a credential word
 * (token, secret, password, passphrase, pat, credentials, api key…) is the head of the name or followed only by
 * words for its content or variant (`TOKEN_VALUE`, `KUBE_SECRETS`, `VAULT_SECRET_ID`, `GITHUB_PAT`, `-p`);
 * `weak` for `key` and `auth` (`SIGNING_KEY`, `OCI_CLI_KEY_CONTENT`, `BASIC_AUTH`); undefined where no credential
 * word is there, or a word after it makes the name describe the credential (`AWS_SHARED_CREDENTIALS_FILE`,
 * `AWS_ACCESS_KEY_ID`, `SSH_KEY_TYPE`, `API_PASSWORD_POLICY`), or a qualifier makes `key` a lookup or a public key
 * (`CACHE_KEY`, `AWS_KMS_KEY`, `PUBLIC_KEY`). Names are split at `_`, `-`, `.`, spaces and camelCase humps.
 */
export function credentialName(name: string): CredentialName {
  const words = name
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[-_.\s]+/)
    .filter((w) => w)
    .map((w) => w.toLowerCase())
    // a number fused to a strong word is its variant, as `_2` is (`PASSWORD1`, `DB_PASSWORD2`, `TOKEN2`); not to a
    // weak one, where it is a name's (`AUTH0_DOMAIN`)
    .map((w) => {
      const base = w.replace(/(?<=[a-z])\d+$/, '');
      return base !== w && (STRONG_WORDS.has(base) || STRONG_COMPOUND.test(base)) ? base : w;
    });
  if (words.length === 1 && /^-[^-]/.test(name) && SHORT_CREDENTIAL_FLAGS.has(words[0]!)) return 'strong';
  let head = -1;
  for (let i = words.length - 1; i >= 0 && head < 0; i--) if (isCredentialWord(words[i]!)) head = i;
  if (head < 0) return undefined;
  const word = words[head]!;
  const secretWord = /secrets?$/.test(word);
  for (const after of words.slice(head + 1)) {
    if (after === 'id' && secretWord) continue;
    if (METADATA_WORDS.has(after)) return undefined;
  }
  const strong = words.slice(0, head + 1).some((w) => STRONG_WORDS.has(w) || STRONG_COMPOUND.test(w));
  if (strong) return 'strong';
  if (head > 0 && NOT_CREDENTIAL_KEYS.has(words[head - 1]!)) return undefined;
  return 'weak';
}

function isCredentialWord(word: string): boolean {
  return STRONG_WORDS.has(word) || WEAK_WORDS.has(word) || STRONG_COMPOUND.test(word);
}

/**
 * Whether the value of the setting or variable `name` is a credential: its name says so ({@link credentialName}),
 * it has 8+ characters, and its form is not one no credential has ({@link notASecret}). Under a `weak` name a value
 * of letters and `_.-` alone (`prod-eks-cache`, `device-code`) is a name, not a credential.
 */
export function isCredentialSetting(name: string, value: string): boolean {
  const kind = credentialName(name);
  if (!kind || value.length < SETTING_SECRET_LENGTH) return false;
  if (kind === 'weak' && /^[A-Za-z_.-]+$/.test(value)) return false;
  return !notASecret(value);
}

/**
 * Words a setting holds that are no credential under any name (gitleaks keeps such a stop list): `TOKEN=disabled`,
 * `PASSWORD=required`, a template's `undefined` — each would be scrubbed from every line that holds the word.
 */
const SETTING_WORDS = new Set([
  'undefined',
  'disabled',
  'required',
  'optional',
  'interactive',
  'automatic',
  'unspecified',
  'inherited',
  'prompted',
  'redacted',
  '<redacted>',
  'placeholder',
  'none',
  'null',
  'true',
  'false',
  'auto',
  'stdin',
  'file',
  'prompt',
]);

/** A path segment as people and tools write them: lowercase, or one leading capital (`/Users/ops/.ssh/id_rsa`). */
const PATH_SEGMENT = /^[A-Z]?[a-z0-9._~-]*$/;
/** A reference's segment: lowercase, or a GCP resource collection (`projects/p/locations/l/keyRings/r/cryptoKeys/k`). */
const REFERENCE_SEGMENT = /^(?:[a-z0-9][a-z0-9._-]*|keyRings|cryptoKeys|cryptoKeyVersions)$/;

/**
 * Forms a credential-named value takes that are not credentials:
 * - a file name (`sa-key.json`), a JSONPath template (`{.credential.access_token}`, `{ .x }`, `{$.x}`: an auth
 *   provider's `token-key`);
 * - a path: a Windows one (`C:\…`), one that exists, one written as people write paths (`~/.ssh/id_ed25519`,
 *   `/Users/ops/key` — lowercase segments, one leading capital at most), under any name (`GOOGLE_APPLICATION_
 *   CREDENTIALS` names a file by Google's convention). A path-shaped value of random case (about one AWS secret
 *   access key in 64 starts with `/`) is a credential, under a `…_CREDENTIALS` name too;
 * - a reference to a secret, not the secret: an ARN, a KMS alias, a Vault or secret-manager path
 *   (`kv/data/prod/kube`, `alias/eks-prod`, `projects/p/secrets/s/versions/latest`: lowercase segments);
 * - public material: an OpenSSH public key, a PEM public key or certificate, an age recipient;
 * - an identifier with a known form: an AWS access key ID (`AKIA…`, `ASIA…`), an Alibaba Cloud AccessKey ID (`LTAI…`);
 * - a setting word ({@link SETTING_WORDS}: `disabled`, `required`, `undefined`).
 */
export function notASecret(value: string): boolean {
  const v = value.trim();
  if (SETTING_WORDS.has(v.toLowerCase())) return true;
  if (/^\{\s*\$?\.|\.(?:json|ya?ml|pem|key|crt|cer|txt|ini|cfg|conf|toml)$/i.test(v)) return true;
  if (/^[A-Za-z]:[\\/]/.test(v)) return true;
  if (/^(?:\/|~\/|\.{1,2}\/)/.test(v)) {
    if (v.split('/').every((s) => PATH_SEGMENT.test(s))) return true;
    try {
      return existsSync(v.startsWith('~/') ? join(homedir(), v.slice(2)) : v);
    } catch {
      return false;
    }
  }
  if (v.includes('/') && v.split('/').every((s, i, all) => REFERENCE_SEGMENT.test(s) || (i === all.length - 1 && s === ''))) return true;
  if (/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(v)) return true;
  if (/^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA/.test(v)) return true;
  if (/^-----BEGIN (?:PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE|PGP PUBLIC KEY BLOCK)-----/.test(v)) return true;
  if (/^age1[02-9ac-hj-np-z]{58}$/.test(v)) return true;
  if (/^(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z2-7]{16}$/.test(v)) return true;
  return /^LTAI[A-Za-z0-9]{12,20}$/.test(v);
}

/**
 * Credentials recognised by their form alone, wherever they stand (a variable of any name, a positional argument,
 * inside `Authorization: Bearer …`), after gitleaks' provider rules: JSON Web Tokens (ServiceAccount and OIDC
 * tokens), Vault tokens, GitHub and GitLab tokens, Slack tokens, Google OAuth access tokens, DigitalOcean tokens,
 * the credential after `Bearer` or `Basic` (not a word), an Azure connection string's `AccountKey`/`SharedAccessKey`
 * and a SAS URL's `sig`, a password in a URL ({@link URL_PASSWORD}, as written and
 * decoded), a PEM private key, and a credential-named setting held inside the value ({@link embeddedSettings}:
 * a connection string's `Password=`, a JSON document's `"clientSecret"`).
 */
const CREDENTIAL_FORMS = [
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/g,
  /\bs\.[A-Za-z0-9]{24}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bya29\.[A-Za-z0-9_-]{20,}/g,
  /\bdo[opr]_v1_[a-f0-9]{64}\b/g,
  /\b(?:Bearer|Basic)\s+([A-Za-z0-9+/=._~-]{8,})/g,
  // an Azure connection string's key (Storage `AccountKey=`, Service Bus / Event Hubs `SharedAccessKey=`) and a
  // shared access signature's `sig=` (percent-encoded as written in a SAS URL; the scrubber also matches it decoded)
  /\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{16,}={0,2})/g,
  /[?&]sig=([A-Za-z0-9%+/=_-]{16,})/g,
];

/**
 * A password in a URL's user part (`https://user:PASSWORD@host`, `postgres://app:PASSWORD@db/x`), any scheme, as
 * detect-secrets' basic-auth rule finds it: a plugin's proxy or server URL in its environment or arguments. The
 * scheme is bounded (32 characters): unbounded, each `.` or `-` of a long `a.a.a…` text began a scan to its end
 * (quadratic: 5.6 s for 100 KB; test/bench/hostile-input.ts `credential-forms`).
 */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:@/?#]*:([^\s@/?#]+)@/gi;

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;

/**
 * The credentials in `text` recognised by their form ({@link CREDENTIAL_FORMS}); a private key as its block and
 * each line of its body ({@link privateKeyForms}); `[]` when none.
 */
export function credentialsByForm(text: string): string[] {
  const out: string[] = [];
  for (const form of CREDENTIAL_FORMS) {
    for (const m of text.matchAll(form)) {
      const found = m[1] ?? m[0];
      if (/^[A-Za-z]+$/.test(found)) continue;
      out.push(found);
      if (found.includes('%')) {
        try {
          out.push(decodeURIComponent(found)); // a SAS signature as a plugin that decodes it would print it
        } catch {
          // kept as written
        }
      }
    }
  }
  for (const m of text.matchAll(URL_PASSWORD)) {
    out.push(m[1]!);
    try {
      out.push(decodeURIComponent(m[1]!));
    } catch {
      // kept as written
    }
  }
  if (text.includes('PRIVATE KEY-----')) for (const m of text.matchAll(PRIVATE_KEY)) out.push(...privateKeyForms(m[0]));
  out.push(...embeddedSettings(text));
  return out;
}

/** A setting's name at a pair's start (sticky): a connection string's, a query's, a JSON document's member. */
const EMBEDDED_NAME = /([A-Za-z_][\w.-]{0,63})[ \t]*=[ \t]*/y;
/** A `"name": "value"` member of a JSON document held in a value (`AZURE_CREDENTIALS={"clientSecret": …}`). */
const EMBEDDED_MEMBER = /"([A-Za-z_][\w.-]{0,63})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/**
 * Connection-string keys that are credentials whatever their case (Azure reads its connection strings without
 * regard to case: `accountkey=` is `AccountKey=`), beside the names {@link credentialName} takes.
 */
const CONNECTION_STRING_CREDENTIALS = new Set(['accountkey', 'sharedaccesskey', 'accesskey', 'sig']);

/**
 * The credentials of settings held inside one value — a connection string, a query, a JSON document — where the
 * value's own name says nothing (`SQL_CONN=Server=…;Password=…;`, `AZURE_STORAGE=…;accountkey=…`, `REDIS=host,
 * password=…`, `SAS=sv=…&sig=…`, `HOOK=https://x/?token=…`, `CREDS_JSON={"clientSecret": …}`), taken by the
 * setting rule of each inner name ({@link isCredentialSetting}, or a key of {@link CONNECTION_STRING_CREDENTIALS}).
 * A pair's name starts the text or follows `;`, `,`, `&`, `?` or a space, spaces around `=` and a quoted value are
 * allowed; its value is taken up to the next `;`, `,`, `&`, `?`, `#` or space and — first in the text or after a
 * `;` or a space, where an ADO.NET password may hold `&` and `,` — also up to the next `;` or space; each
 * percent-decoded when it holds `%`. A JSON member's string value is also read for settings (JSON in JSON), to a
 * depth of 4. Linear in the text: a pair's shorter value ends at the next separator, where the next pair can start,
 * and the longer ones of different pairs do not overlap.
 */
function embeddedSettings(text: string, depth = 0): string[] {
  const out: string[] = [];
  const take = (name: string, value: string): void => {
    const credential =
      isCredentialSetting(name, value) ||
      (CONNECTION_STRING_CREDENTIALS.has(name.toLowerCase()) && value.length >= SETTING_SECRET_LENGTH && !/^[A-Za-z]+$/.test(value));
    if (!credential) return;
    out.push(value);
    if (value.includes('%')) {
      try {
        out.push(decodeURIComponent(value));
      } catch {
        // kept as written
      }
    }
  };
  if (text.includes('=')) {
    const LIST = /[;,&?#\s]/;
    const OUTER = /[;\s]/;
    const end = (from: number, stop: RegExp): number => {
      let i = from;
      while (i < text.length && !stop.test(text[i]!)) i++;
      return i;
    };
    for (let at = 0; at < text.length; at++) {
      const before = at === 0 ? '' : text[at - 1]!;
      if (at > 0 && !/[;,&?\s]/.test(before)) continue;
      EMBEDDED_NAME.lastIndex = at;
      const m = EMBEDDED_NAME.exec(text);
      if (!m) continue;
      const name = m[1]!;
      if (!credentialName(name) && !CONNECTION_STRING_CREDENTIALS.has(name.toLowerCase())) continue;
      const start = at + m[0].length;
      const quote = text[start];
      if (quote === '"' || quote === "'") {
        const close = text.indexOf(quote, start + 1);
        if (close > start) take(name, text.slice(start + 1, close));
        continue;
      }
      const listed = end(start, LIST);
      take(name, text.slice(start, listed));
      if ((before === '' || OUTER.test(before)) && listed < text.length && !OUTER.test(text[listed]!)) take(name, text.slice(start, end(listed, OUTER)));
    }
  }
  if (text.includes('"')) {
    for (const m of text.matchAll(EMBEDDED_MEMBER)) {
      let value = m[2]!;
      try {
        value = JSON.parse(`"${value}"`) as string;
      } catch {
        // kept as written
      }
      take(m[1]!, value);
      if (depth < 4 && (value.includes('=') || value.includes('"'))) out.push(...embeddedSettings(value, depth + 1));
    }
  }
  return out;
}

/**
 * Whether a positional argument (not a flag, not a flag's value) looks like a token: 16+ characters of a token's
 * alphabet (base64, base64url, hex), letters and digits both, 3+ bits of entropy a character — not a word, a
 * version, capitalised words (`StagingCluster-WestEurope01`), a UUID (an identifier: a tenant, a subscription) or a
 * reference. A credential plugin's positional
 * arguments are otherwise subcommands (`get-token`, `eks`) and names.
 */
export function tokenShaped(arg: string): boolean {
  if (arg.length < 16 || !/^[A-Za-z0-9+/=_.~-]+$/.test(arg) || !/[0-9]/.test(arg) || !/[A-Za-z]/.test(arg)) return false;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(arg) || notASecret(arg)) return false;
  // mixed case (base64, base64url) but not capitalised words (`StagingCluster-WestEurope01`: about 1 random 16-character
  // token in 4,000 has that shape, 1 in 500,000 of 32), or one run of lowercase letters and digits (hex) — a name has separators
  if (/[A-Z]/.test(arg) && /[a-z]/.test(arg)) return !arg.split(/[-_.]/).every((part) => NAME_PART.test(part)) && entropy(arg) >= 3.5;
  return arg.length >= 20 && /^[a-z0-9]+$/i.test(arg) && entropy(arg) >= 3;
}

/** A part of a name: capitalised words or one lowercase word, then digits (`StagingCluster`, `Prod2024`, `eu`, `01`). */
const NAME_PART = /^(?:(?:[A-Z][a-z]+)+|[a-z]+)?\d*$/;

/** Shannon entropy of `text`, in bits a character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * The credentials of an environment a plugin inherits (plumb's own: an exec credential plugin's, an exec provider's),
 * taken by the rule of a plugin's `env:` settings: a credential name and a value of a credential's form
 * ({@link isCredentialSetting}), or a credential of a known form under any name ({@link credentialsByForm}: a URL's
 * password, a JWT, a GitHub token…); a private key also as its lines.
 *
 * @returns strings for the scrubber
 */
export function environmentCredentials(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    out.push(...credentialsByForm(value));
    if (isCredentialSetting(name, value)) out.push(...(value.includes('PRIVATE KEY-----') ? [value, ...privateKeyForms(value)] : [value]));
  }
  return out;
}

/**
 * The shortest value taken under a strong credential name given to a command (`--password hunter2`, `-phunter2`,
 * an exec plugin's `env: [{name: DB_PASSWORD, value: s3cret}]`): the scrubber's own minimum. The name is the
 * user's word that the value is a password; below 8 characters it was printed in clear when a plugin echoed it.
 * The environment a plugin inherits keeps {@link SETTING_SECRET_LENGTH} (a machine's or CI's variables hold service
 * passwords such as `root` that would be scrubbed from every line, and the plugin was not handed them as a flag).
 */
export const EXPLICIT_SECRET_LENGTH = MIN_SCRUB_LENGTH;

/** `-pVALUE`: a single dash, `p`, the value attached (no `=`). */
const ATTACHED_PASSWORD = /^-p([^=\s][^=]*)$/s;
/** A single-dash long flag's name (`-profile`, `-project`, `-print-token`): lowercase words, the Go `flag` style. */
const FLAG_WORDS = /^[a-z]+(?:[-_][a-z]+)*$/;
/** A port or a port mapping after `-p` (`-p8080`, `-p127.0.0.1:8080:80/tcp`: ssh's, docker run's, kubectl port-forward's). */
const PORT_SPEC = /^[\d.:[\]]+(?:\/[a-z]+)?$/;
/** An HTTP header as curl's and wget's `-H`/`--header` take it: `NAME: VALUE` (`X-Vault-Token: …`, `PRIVATE-TOKEN: …`). */
const HEADER = /^([A-Za-z][\w-]*):[ \t]*(\S.*)$/s;
/** curl's `-u`/`--user`/`--proxy-user` and `-U` flags: `USER:PASSWORD` (basic auth), also attached (`-uadmin:pw`). */
const USER_FLAGS = new Set(['-u', '--user', '--proxy-user', '-U']);
const ATTACHED_USER = /^-[uU]([^=\s:][^:]*:.+)$/s;

/**
 * The credential in a header (`X-Api-Key: …`, decided by the header's name as a setting's) or in a `USER:PASSWORD`
 * pair (the password, under the rule of a `weak` name: 8+ characters, not letters alone — `docker run --user
 * 1000:1000` and `--user www-data:www-data` are names).
 */
function headerCredentials(text: string): string[] {
  const header = HEADER.exec(text);
  return header && isExplicitCredential(header[1]!, header[2]!.trimEnd()) ? valueForms(header[2]!.trimEnd()) : [];
}
function userPasswordCredentials(pair: string): string[] {
  const colon = pair.indexOf(':');
  const password = colon > 0 ? pair.slice(colon + 1) : '';
  return password && isCredentialSetting('auth', password) ? [password] : [];
}

/**
 * Whether a value given to a command under `name` (a flag, a `NAME=VALUE` argument, an explicit env setting) is a
 * credential: {@link isCredentialSetting}, or under a strong name from {@link EXPLICIT_SECRET_LENGTH} characters
 * (a setting word or a form no credential has still is not).
 */
function isExplicitCredential(name: string, value: string): boolean {
  if (isCredentialSetting(name, value)) return true;
  return credentialName(name) === 'strong' && value.length >= EXPLICIT_SECRET_LENGTH && !notASecret(value);
}

/**
 * The credentials a command is handed — an exec credential plugin of a kubeconfig (`exec.args`, `exec.env`), an
 * exec provider's plugin (its `args` and `env` in plumb.yaml): each argument and setting value by its form
 * ({@link credentialsByForm}); flags, `NAME=VALUE` arguments and settings by their name ({@link isExplicitCredential});
 * token-shaped positional arguments; and a command line in one string (`sh -c "API_TOKEN=… get-creds --password …"`,
 * a variable of extra flags) word by word. Not the environment the command inherits ({@link environmentCredentials}).
 *
 * @returns strings for the scrubber (a private key also as its lines)
 */
export function commandCredentials(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): string[] {
  const out: string[] = [];
  const texts: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    texts.push(value);
    out.push(...credentialsByForm(value));
    if (isExplicitCredential(name, value)) out.push(...valueForms(value));
  }
  out.push(...argumentCredentials(args));
  // a PEM block is not a command line
  for (const text of [...args, ...texts]) if (/\s/.test(text.trim()) && !text.includes('-----BEGIN')) out.push(...argumentCredentials(shellWords(text)));
  return out;
}

/**
 * Words of a shell command line as `sh` splits them, near enough for finding flags and assignments: whitespace and
 * `;`, `&`, `|` outside quotes end a word, quotes are removed (a `\` escapes the next character outside single ones).
 * No expansion.
 */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) word = (word ?? '') + text[++i];
    else if (/[\s;&|]/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The credentials in a plugin's arguments: a credential passed as a flag (`--token VALUE`, `--token=VALUE`,
 * `-p VALUE`, mysql's attached `-pVALUE`) or as `NAME=VALUE`, by its form, or as a token-shaped positional argument.
 * A value given under a strong credential name is taken from {@link EXPLICIT_SECRET_LENGTH} characters.
 */
function argumentCredentials(args: readonly string[]): string[] {
  const out: string[] = [];
  let valueOf: string | undefined;
  args.forEach((arg, i) => {
    out.push(...credentialsByForm(arg));
    // a header (`-H 'X-Vault-Token: …'`, `--header=PRIVATE-TOKEN: …`) by its name; a basic-auth pair after -u/--user
    // (also attached to -H as curl takes it, `-HX-Vault-Token: …`, and curl's --proxy-header)
    out.push(...headerCredentials(arg.replace(/^(?:--?(?:proxy-)?header=|--?H=?)/, '')));
    const user = ATTACHED_USER.exec(arg);
    if (user) out.push(...userPasswordCredentials(user[1]!));
    else if (USER_FLAGS.has(arg.split('=')[0]!) && (arg.includes('=') || args[i + 1] !== undefined))
      out.push(...userPasswordCredentials(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1]!));
    const flag = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    const attached = ATTACHED_PASSWORD.exec(arg);
    if (attached && !FLAG_WORDS.test(attached[1]!) && !PORT_SPEC.test(attached[1]!) && isExplicitCredential('-p', attached[1]!)) {
      // mysql's and mysqldump's `-pVALUE` (`-p` alone prompts); a Go-style single-dash flag (`-profile`, `-project`) is words
      out.push(...valueForms(attached[1]!));
      valueOf = undefined;
      return;
    }
    if (!flag) {
      // NAME=VALUE, as `env AWS_SECRET_ACCESS_KEY=… aws eks get-token` passes a variable, or a plugin's key=value setting
      const setting = /^([A-Za-z_][\w.-]*)=(.*)$/s.exec(arg);
      if (setting && isExplicitCredential(setting[1], setting[2])) out.push(...valueForms(setting[2]));
      else if (valueOf === undefined && tokenShaped(arg)) out.push(arg);
      valueOf = undefined;
      return;
    }
    valueOf = undefined;
    const name = flag[2] === undefined ? arg : arg.slice(0, arg.indexOf('='));
    const next = args[i + 1];
    // a credential may start with '-' (base64url); after a credential flag only a flag's shape ends the value
    const nextIsValue = next !== undefined && (!next.startsWith('-') || (!!credentialName(name) && !/^(?:--[A-Za-z]|-[A-Za-z]$)/.test(next)));
    if (flag[2] === undefined && nextIsValue) valueOf = arg;
    const value = flag[2] ?? (nextIsValue ? next : undefined);
    if (value !== undefined && isExplicitCredential(name, value)) out.push(...valueForms(value));
  });
  return out;
}

/** A credential value's forms: itself, and a private key's lines when it holds one. */
function valueForms(value: string): string[] {
  return value.includes('PRIVATE KEY-----') ? [value, ...privateKeyForms(value)] : [value];
}
