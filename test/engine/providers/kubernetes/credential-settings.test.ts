import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { commandCredentials, environmentCredentials, isCredentialSetting } from '../../../../engine/providers/kubernetes/credential-settings.js';
import { credentialsOf } from '../../../../engine/providers/kubernetes/kube-config.js';

// Every value taken is scrubbed from all of plumb's output: a credential missed is printed in clear when a plugin
// echoes it; a setting taken by mistake is a word scrubbed from every line. Each row is a setting an exec
// credential plugin or auth provider really carries, and the decision a security engineer expects.
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PEM = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', '-----END PRIVATE KEY-----'].join('\n');
const TABLE: readonly (readonly [name: string, value: string, credential: boolean])[] = [
  // credentials by their name
  ['AWS_SECRET_ACCESS_KEY', AWS_SECRET, true],
  ['AWS_SECRET_ACCESS_KEY', `/${AWS_SECRET}`, true], // starts with '/', not a path
  ['AWS_SESSION_TOKEN', 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH', true],
  ['VAULT_TOKEN', 'hvs.CAESIJ2p8kq0Xo1Zk3Xy7Wq9', true],
  ['VAULT_SECRET_ID', '3c9d2f1e-8b7a-4c6d-9e0f-1a2b3c4d5e6f', true], // AppRole's secret_id is the credential
  ['OCI_CLI_KEY_CONTENT', PEM, true],
  ['PRIVATE_KEY_PEM', PEM, true],
  ['SA_KEY_JSON', '{"type": "service_account", "private_key": "x9"}', true],
  ['GOOGLE_SERVICE_ACCOUNT_KEY', '{"type": "service_account"}', true],
  ['TOKEN_VALUE', 'tv-9f8e7d6c5b4a', true],
  ['KUBE_SECRETS', 'ks-0a1b2c3d4e5f', true],
  ['GITHUB_PAT', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', true],
  ['GITLAB_PAT', 'glpat-aB3dE5fG7hJ9kL1mN3pQ', true],
  ['DB_PASSWORD', 'correct horse battery', true],
  ['DB_PASS', 'SunshineRainbow', true], // letters only: still a password
  ['MYSQL_PWD', 'pw-77aa88bb', true],
  ['OCI_CLI_PASS_PHRASE', 'my key passphrase', true],
  ['AZURE_CLIENT_SECRET', 'Qx8~abc.DEF_123-xyz', true],
  ['AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', 'Qx8~abc.DEF_123-xyz', true],
  ['AZURE_CLIENT_CERTIFICATE_PASSWORD', 'cert-pass-123', true],
  ['RANCHER_TOKEN', 'token-abcde:0123456789abcdef', true],
  ['API_KEY_PROD', 'ak-prod-0123456789', true], // a variant after the credential word keeps it
  ['DB_PASSWORD_2', 'second-pw-999', true],
  ['DB_PASSWORD2', 'second-pw-999', true], // a number fused to the word is a variant too
  ['PASSWORD1', 'first-pw-111', true],
  ['TOKEN2', 'tk-2-0a1b2c3d', true],
  ['SSHPASS', 'sshpass-pw-77', true], // sshpass -e reads it
  ['AUTH0_DOMAIN', 'tenant-42.eu.auth0.com', false], // not to a weak word: a name's number
  ['SECRET_KEY_BASE', '0123456789abcdef0123', true],
  ['apiToken', 'at-5f4e3d2c1b0a', true], // camelCase
  ['APITOKEN', 'at-5f4e3d2c1b0a', true], // one word
  ['clientSecret', 'cs-0f9e8d7c6b5a', true],
  ['SIGNING_KEY', 'sk-9a8b7c6d5e4f', true],
  ['ARM_ACCESS_KEY', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==', true], // Azure storage access key: a secret
  ['BASIC_AUTH', 'admin:s3cr3t-pw', true],
  ['COSMOS_PRIMARY_KEY', 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==', true], // Azure's primary access key
  ['HASH_KEY', 'hk-0f1e2d3c4b5a', true], // an HMAC key
  ['DYNAMODB_HASH_KEY', 'customerId', false], // an attribute's name (letters only)
  ['--token', 'cli-token-4b5c6d7e', true],
  ['--client-secret', 'oidc-secret-55aa', true],
  ['-p', 'docker-login-pw1', true], // docker login, mysql, az login: -p is the password
  ['--password', 'pw-0123456789', true],
  ['client-secret', 'oidc-secret-55aa', true], // an auth provider's setting
  // not credentials: the name describes the credential, or holds no credential word
  ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE', false],
  ['AWS_SHARED_CREDENTIALS_FILE', '/home/ops/.aws/credentials', false],
  ['AWS_WEB_IDENTITY_TOKEN_FILE', '/var/run/secrets/eks.amazonaws.com/serviceaccount/token', false],
  ['AZURE_FEDERATED_TOKEN_FILE', '/var/run/secrets/azure/tokens/azure-identity-token', false],
  ['SSH_KEY_TYPE', 'ed25519-sk', false],
  ['API_PASSWORD_POLICY', 'required', false],
  ['SECRET_NAME', 'prod-kube-credentials', false],
  ['TOKEN_AUDIENCE', 'sts.amazonaws.com', false],
  ['KMS_KEY_ARN', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd', false],
  ['AZURE_KEY_VAULT', 'kv-prod-weu-001', false],
  ['USE_GKE_GCLOUD_AUTH_PLUGIN', 'True', false],
  ['AUTH_METHOD', 'service-principal', false],
  ['--password-stdin', 'registry.example.com', false],
  ['AWS_PROFILE', 'production', false],
  ['AWS_REGION', 'eu-west-1', false],
  ['API_TOKEN', 'short', false], // under 8 characters
  ['VAULT_TOKEN', 'disabled', false], // a setting word, not a credential
  ['DB_PASSWORD', 'undefined', false],
  // not credentials: the value is a reference, public material, an identifier or a name
  ['AWS_KMS_KEY', 'alias/eks-prod', false],
  ['PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@host', false],
  ['SSH_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', false],
  ['VAULT_SECRET', 'kv/data/prod/kube', false],
  ['DB_SECRET', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf', false],
  ['GCP_SECRET', 'projects/my-proj/secrets/kube-token/versions/latest', false],
  ['SOPS_KMS_KEY', 'projects/p/locations/global/keyRings/sops/cryptoKeys/kube', false],
  ['CACHE_KEY', 'prod-eks-cache', false],
  ['CACHE_KEY', 'prod-eks-cache-v2', false],
  ['ALICLOUD_ACCESS_KEY', 'LTAI5tAbCdEfGhIjKlMn', false],
  ['AGE_KEY', 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p', false],
  ['TLS_KEY', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', false],
  ['AUTH', 'device-code', false], // `auth` with a name for a value
  ['SSH_KEY', '~/.ssh/id_ed25519', false], // a path as people write them, present or not
  ['SIGNING_KEY', '/Users/ops/keys/signing', false],
  ['SIGNING_KEY', 'C:\\Users\\ops\\signing.key', false],
  ['GOOGLE_APPLICATION_CREDENTIALS', 'sa-key.json', false],
  ['token-key', '{.credential.access_token}', false], // a gcp auth provider's JSONPath
  ['token-key', '{ .credential.access_token }', false],
  ['token-key', '{$.credential.access_token}', false],
  ['GOOGLE_APPLICATION_CREDENTIALS', '/var/run/secrets/gcp/sa', false],
  ['AWS_CREDENTIALS', '/Ab3+Kq9ZxPw7LmN2vR8tY4uH6jD1fG5sE0cB', true], // random case after '/': a credential, not a path
  ['SIGNING_KEY', tmpdir(), false], // a path that exists
];

describe('which exec and auth-provider settings hold a credential', () => {
  it.each(TABLE)('%s=%s → %s', (name, value, credential) => {
    expect(isCredentialSetting(name, value)).toBe(credential);
  });
});

it('an exec plugin: a short -p flag, a NAME=VALUE argument (`env AWS_SECRET_ACCESS_KEY=…`), a value starting with "-" after a credential flag, a token-shaped or known-form positional argument and a Bearer header are taken; subcommands, names and identifiers are not', () => {
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl';
  const POSITIONAL = 'Zk3Xy7Wq9Lp2Mn8Bv4Cx';
  const DASHED = '-Xy8abc_DEF-123ghi';
  const found = credentialsOf({
    name: 'u',
    exec: {
      command: 'get-creds',
      args: [
        'login',
        'get-token',
        POSITIONAL,
        '--cluster-name',
        'production-eu-2024',
        '--server-id',
        '6dae42f8-4368-4678-94ff-3960e28e3630',
        '-p',
        'docker-login-pw1',
        '--token',
        DASHED,
        '--verbose',
        '--header',
        `Authorization: Bearer ${JWT}`,
        'cluster-2024-prod-weu',
        'StagingCluster-WestEurope01',
        'AWS_SECRET_ACCESS_KEY=env-passed-secret-77a1',
        'region=eu-west-1',
        '0123456789abcdef0123456789abcdef',
      ],
      env: [
        { name: 'GH_HOST_CONFIG', value: 'ghp_0123456789abcdefghijABCDEFGHIJ012345' },
        { name: 'TLS_MATERIAL', value: PEM },
      ],
    },
  });
  for (const credential of [
    POSITIONAL,
    'env-passed-secret-77a1',
    'docker-login-pw1',
    DASHED,
    JWT,
    '0123456789abcdef0123456789abcdef',
    'ghp_0123456789abcdefghijABCDEFGHIJ012345',
    PEM,
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  ])
    expect(found).toContain(credential);
  for (const setting of [
    'login',
    'get-token',
    'production-eu-2024',
    '6dae42f8-4368-4678-94ff-3960e28e3630',
    '--verbose',
    'cluster-2024-prod-weu',
    'StagingCluster-WestEurope01',
  ])
    expect(found).not.toContain(setting);
});

it("Azure's credential forms under names with no credential word: a connection string's AccountKey or SharedAccessKey, a SAS URL's sig", () => {
  const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
  const SHARED = 'zM3kq9Xb1VtY5RrL0pQw8nC2dE4fG6hJ7kL9mN1oP3s=';
  const SIG = 'Xk3L9qZ%2Bw8mN2pR4tV6yB0cD5fG7hJ1%3D';
  const found = credentialsOf({
    name: 'u',
    exec: {
      command: 'az-creds',
      args: ['--storage', `DefaultEndpointsProtocol=https;AccountName=plumbstate;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`],
      env: [
        { name: 'BUS', value: `Endpoint=sb://ops.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${SHARED}` },
        { name: 'STATE_BLOB', value: `https://plumbstate.blob.core.windows.net/state/tf.json?sv=2022-11-02&sr=b&sp=r&se=2026-12-31&sig=${SIG}` },
      ],
    },
  });
  for (const credential of [ACCOUNT_KEY, SHARED, SIG, decodeURIComponent(SIG)]) expect(found).toContain(credential);
  for (const setting of ['plumbstate', 'RootManageSharedAccessKey', '2022-11-02']) expect(found).not.toContain(setting);
});

it('a setting inside a value — a connection string, a query, a JSON document — is decided by its own name, in any case, wherever it stands (a hostile review)', () => {
  const secrets = {
    lowerAccountKey: 'lowerCaseKeyAbCdEfGh0123456789+/==',
    appConfig: 'AppConfSecretXyZ0123456789=',
    acsKey: 'AcsAccessKey0123456789abcdef==',
    sasFirst: 'LeadingSigValue0123456789abcd',
    percentKey: 'Key%2BPercent%2Fencoded0123456789abc%3D%3D',
    redis: 'RedisPw-abc123XYZ',
    pgPwd: 'PgPwdShort9x',
    jsonKey: 'JsonAccountKey0123456789abcdefgh==',
    spSecret: 'AzSpClientSecret~8Q~abcdefghij',
    nested: 'NestedJsonPw-7788aa',
    argPassword: 'ArgSqlPw-77aa11&y,z',
    argPwd: 'ArgPwdValue99x',
    webhook: 'hookTokenAbc123456',
    quoted: 'quoted pass; word 42',
  };
  const found = credentialsOf({
    name: 'u',
    exec: {
      command: 'creds',
      args: [`Server=tcp:db.example.net;Database=d;UserID=u;Password=${secrets.argPassword};`, `Host=h;Pwd=${secrets.argPwd}`],
      env: [
        { name: 'A', value: `DefaultEndpointsProtocol=https;AccountName=acct;accountkey=${secrets.lowerAccountKey};EndpointSuffix=core.windows.net` },
        { name: 'C', value: `Endpoint=https://x.azconfig.io;Id=abc;Secret=${secrets.appConfig}` },
        { name: 'D', value: `endpoint=https://x.communication.azure.com/;accesskey=${secrets.acsKey}` },
        { name: 'E', value: `sig=${secrets.sasFirst}&sv=2022-11-02&se=2030` },
        { name: 'F', value: `AccountKey=${secrets.percentKey}` },
        { name: 'G', value: `redis.example.net:6380,password=${secrets.redis},ssl=True,abortConnect=False` },
        { name: 'H', value: `Host=pg;Username=u;Pwd=${secrets.pgPwd}` },
        { name: 'L', value: `{"accountKey":"${secrets.jsonKey}"}` },
        { name: 'M', value: `{"clientId":"11111111-2222-3333-4444-555555555555","clientSecret":"${secrets.spSecret}","tenantId":"t"}` },
        { name: 'N', value: JSON.stringify({ config: JSON.stringify({ password: secrets.nested }) }) },
        { name: 'O', value: `hook=https://hooks.example/notify?channel=ops&token=${secrets.webhook}&x=1` },
        { name: 'P', value: `Server=db;Password="${secrets.quoted}";Encrypt=true` },
      ],
    },
  } as never);
  for (const credential of Object.values(secrets)) expect(found).toContain(credential);
  expect(found).toContain(decodeURIComponent(secrets.percentKey));
  // the other settings of those strings are not credentials
  for (const setting of ['acct', 'core.windows.net', 'https://x.azconfig.io', '2022-11-02', 'ssl=True', 'True', 'ops', 'tcp:db.example.net', 'Encrypt=true'])
    expect(found.some((f) => f === setting || f.endsWith(`,${setting}`))).toBe(false);
  expect(found).not.toContain(`${secrets.redis},ssl=True,abortConnect=False`); // a Redis list's separator ends the value
  // plumb's own environment, which an exec plugin or the exec provider inherits, by the same rule
  expect(environmentCredentials({ DATABASE_CONNECTION: 'Server=db;Database=app;Pwd=EnvConnPw-55x;' })).toContain('EnvConnPw-55x');
});

it('a command line in one string (sh -c "…", a variable of extra flags) is read word by word: its flags and assignments are decided as arguments', () => {
  const found = credentialsOf({
    name: 'u',
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'sh',
      args: ['-c', `API_TOKEN=at-5f4e3d2c1b0a get-creds --password 'pw with spaces 9' --client-secret=oidc-secret-55aa; echo done`],
      env: [
        { name: 'PLUGIN_OPTS', value: '--token=cli-token-4b5c6d7e --region eu-west-1' },
        { name: 'TLS_CA', value: '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----' },
      ],
    },
  } as never);
  for (const credential of ['at-5f4e3d2c1b0a', 'pw with spaces 9', 'oidc-secret-55aa', 'cli-token-4b5c6d7e']) expect(found).toContain(credential);
  // the rest of the line, and a certificate's lines, are not credentials
  for (const word of ['get-creds', 'done', 'eu-west-1', 'MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ']) expect(found).not.toContain(word);
  expect(
    credentialsOf({
      name: 'u',
      exec: { apiVersion: 'v1', command: 'sh', args: ['-c', 'aws eks get-token --cluster-name prod-eu-2024 --region eu-west-1 --output json | jq .'] },
    } as never),
  ).toEqual([]);
});

it("mysql's attached -pVALUE and values under 8 characters given under a password's name are taken; Go-style -flags, ports and setting words are not", () => {
  const found = commandCredentials(
    [
      '-uroot',
      '-pS3cr3t!x',
      '-pxk29',
      '--password',
      'hunt3r',
      '--token=Tk-9a8b',
      'PGPASSWORD=pg42',
      '-profile',
      'staging',
      '-project',
      '-p8080:80',
      '-p2222',
      '--password',
      'none',
      '--secret=auto',
      '-p',
    ],
    { DB_PASSWORD: 'dbpw42', API_TOKEN: 'file', SHORT_KEY: 'k3y9', MODE: 'batch-9' },
  );
  for (const credential of ['S3cr3t!x', 'xk29', 'hunt3r', 'Tk-9a8b', 'pg42', 'dbpw42']) expect(found).toContain(credential);
  for (const word of ['root', 'rofile', 'roject', 'staging', '8080:80', '2222', 'none', 'auto', 'file', 'k3y9', 'batch-9']) expect(found).not.toContain(word);
  // a command line in one string, as sh -c runs it
  expect(commandCredentials(['-c', 'mysql -uapp -pAb9x7 -h db'])).toContain('Ab9x7');
  // the environment a plugin inherits keeps the 8-character rule: a CI's MYSQL_ROOT_PASSWORD=root is not scrubbed from every line
  expect(environmentCredentials({ MYSQL_ROOT_PASSWORD: 'root', DB_PASSWORD: 'dbpw42' })).toEqual([]);
  // a kubeconfig exec plugin is handed them the same way
  const viaKubeconfig = credentialsOf({
    name: 'u',
    exec: { command: 'get-creds', args: ['-pS3cr3t!x', '--password', 'hunt3r'], env: [{ name: 'DB_PASSWORD', value: 'dbpw42' }] },
  } as never);
  for (const credential of ['S3cr3t!x', 'hunt3r', 'dbpw42']) expect(viaKubeconfig).toContain(credential);
});

it("curl's own bearer flag (--oauth2-bearer TOKEN), a header attached to -H (-HX-Vault-Token: …) and --proxy-header=… are credentials too (a hostile review of f55a4ca)", () => {
  // a token that is not token-shaped by itself (20 letters and digits): only the flag's name says what it is
  expect(commandCredentials(['curl', '-sf', '--oauth2-bearer', 'Zq81aLpw92KdQ7rT5uV8', 'https://vault/v1/x'])).toContain('Zq81aLpw92KdQ7rT5uV8');
  expect(commandCredentials(['curl', '--oauth2-bearer=Zq81aLpw92KdQ7rT5uV8'])).toContain('Zq81aLpw92KdQ7rT5uV8');
  expect(commandCredentials(['-c', 'curl -sf --oauth2-bearer Zq81aLpw92KdQ7rT5uV8 https://x | jq -r .token'])).toContain('Zq81aLpw92KdQ7rT5uV8');
  expect(commandCredentials(['curl', '-HX-Vault-Token: hvs.Zq81aLpw92Kd'])).toContain('hvs.Zq81aLpw92Kd');
  expect(commandCredentials(['curl', '--proxy-header=Proxy-Authorization: Basic YWRtaW46aHVudGVyMg=='])).toContain('YWRtaW46aHVudGVyMg==');
  // what is no credential stays out: an attached Accept header, a bearer *type* given as a value
  expect(commandCredentials(['curl', '-HAccept: application/json', '--auth-type', 'bearer'])).toEqual([]);
});

it("a credential in an HTTP header (curl's -H 'X-Vault-Token: …') is decided by the header's name, and curl's -u USER:PASSWORD gives its password (a hostile review); other headers and docker's --user uid:gid are not taken", () => {
  const found = commandCredentials([
    '-c',
    `curl -s -H "X-Vault-Token: hvs.Zx81kq93mwAB" -H 'Accept: application/json' "--header=PRIVATE-TOKEN: glpat-abcd1234efgh5678" -u admin:Zx81kq93mw --proxy-user=proxy:Pq7Rk2Lm9Nx https://vault:8200/v1/x | jq .token`,
  ]);
  for (const credential of ['hvs.Zx81kq93mwAB', 'glpat-abcd1234efgh5678', 'Zx81kq93mw', 'Pq7Rk2Lm9Nx']) expect(found).toContain(credential);
  expect(commandCredentials(['--header', 'X-Auth-Token: tk42'])).toEqual(['tk42']);
  expect(commandCredentials(['-uadmin:Zx81kq93mw'])).toContain('Zx81kq93mw');
  for (const args of [
    ['-H', 'Accept: application/json'],
    ['-H', 'Content-Type: application/json'],
    ['--user', '1000:1000'],
    ['--user', 'www-data:www-data'],
    ['-u', 'root'],
    ['-uroot'],
    ['https://vault:8200/v1/x'],
  ])
    expect(commandCredentials(args)).toEqual([]);
});
