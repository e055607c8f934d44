import { Command, Option } from 'commander';
import { addGlobalOptions, documentCommand } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb controller`: the reconciliation loop (docs/architecture.md, "Reconciliation
 * loop"). Runs until SIGTERM/SIGINT, then finishes the reconcile in flight,
 * releases the lease and exits 0. Credentials are read from files or
 * environment variables only — never flags, which `ps` shows.
 */
export function register(program: Command): void {
  const cmd = new Command('controller')
    .description('run the reconciliation loop: follow a Git source, plan, apply when the sync policy allows, report')
    .option('--git-url <url>', 'follow a remote Git repository over http(s) instead of --repo')
    .option('--branch <name>', 'branch of --git-url (default main)')
    .option('--tag <name>', 'tag of --git-url, instead of a branch')
    .addOption(new Option('--git-auth <type>', 'how the credentials are sent').choices(['token', 'basic']).default('token'))
    .option('--git-credentials-file <file>', 'a file holding the token, or USER:PASSWORD for --git-auth basic')
    .option('--git-credentials-env <var>', 'an environment variable holding them')
    .option('--webhook-secret-file <file>', 'shared secret of POST /hooks/git (X-Hub-Signature-256)')
    .option('--webhook-secret-env <var>', 'environment variable holding the webhook secret', 'PLUMB_WEBHOOK_SECRET')
    .option('--cache-dir <dir>', 'where fetched Git objects go (default $PLUMB_CACHE_DIR, else a temp dir)')
    .option('--interval <duration>', 'reconcile and poll interval', '60s')
    .option('--namespace <ns>', "the controller's namespace: Lease, Events, status ConfigMap (default: the pod's, else plumb-system)")
    .option('--listen <host:port>', 'address of /healthz, /readyz, /metrics and /hooks/git', '127.0.0.1:8080')
    .option('--lease-name <name>', 'the leader election Lease', 'plumb-controller')
    .option('--lease-duration <duration>', 'leader lease duration', '15s')
    .option('--no-leader-elect', 'run without leader election (one replica only)')
    .option('--identity <id>', 'this replica in the Lease (default $POD_NAME, else host-pid)')
    .option('--in-cluster', "use the pod's ServiceAccount instead of a kubeconfig")
    .option('--no-force-conflicts', 'do not take over fields another field manager (kubectl edit…) owns; drift of them is then reported, not healed')
    .option('--health-timeout <duration>', 'per wave health-check timeout of applies', '60s')
    .option(
      '--network-allow <list>',
      'comma-separated addresses, CIDR ranges or host names Endpoint probes and webhooks may reach (only these; may re-allow a default-denied metadata address)',
    )
    .option(
      '--network-deny <list>',
      'comma-separated addresses, CIDR ranges or host names never reached (link-local and cloud metadata addresses are denied by default)',
    )
    .option(
      '--state-dir <dir>',
      'incident state and notification outbox (a persistent volume); default plumb.yaml notifications.stateDir, else .plumb/incidents in the repository',
    )
    .addOption(new Option('--retry-base <duration>', 'first backoff delay of transient failures (tests)').default('1s').hideHelp());
  documentCommand(cmd, {
    examples: [
      ['plumb controller --repo . --no-leader-elect', 'reconcile the local checkout, one replica'],
      [
        'plumb controller --git-url https://git.example.com/infra.git --branch main --git-credentials-env GIT_TOKEN --in-cluster',
        'follow a remote repository from inside the cluster',
      ],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/controller.js')));
  program.addCommand(cmd);
}
