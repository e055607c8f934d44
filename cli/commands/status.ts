import { Command, Option } from 'commander';
import { addGlobalOptions, documentCommand, outputOption } from '../program.js';
import { lazyAction } from './lazy-action.js';

/**
 * `plumb status [-n NAMESPACE | --endpoint URL] [-o text|json]`: what the
 * controller last did, as `argocd app get` shows an Application — read from
 * its ConfigMap `plumb-status` through the kubeconfig and context, or from its
 * `/status` endpoint. Exit 0 whatever the status says; 1 when it cannot be read.
 */
export function register(program: Command): void {
  const cmd = new Command('status')
    .description("show the controller's status: revision, sync and health, conditions, last apply, open incidents")
    .addOption(new Option('-n, --namespace <ns>', "the controller's namespace, where its plumb-status ConfigMap is").default('plumb-system'))
    .option('--endpoint <url>', "read the controller's GET /status over HTTP instead (its --listen address), e.g. http://127.0.0.1:8080")
    .addOption(outputOption(['text', 'json'], 'text'));
  documentCommand(cmd, {
    examples: [
      ['plumb status', 'the controller in plumb-system, through the current kubeconfig context'],
      ['plumb --context prod status -n plumb-system -o json', "another cluster's controller, as JSON"],
      ['plumb status --endpoint http://127.0.0.1:8080', 'a controller running without a cluster, over HTTP'],
    ],
    exits: ['ok', 'failure'],
  });
  addGlobalOptions(cmd).action(lazyAction(() => import('../actions/status.js')));
  program.addCommand(cmd);
}
