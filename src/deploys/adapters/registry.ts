import type { Config } from "../../config.ts";
import type { TokenService } from "../../tokens/token-service.ts";
import type { InboundAdapter, InboundTool } from "./adapter.ts";
import { createArgocdAdapter } from "./argocd.ts";
import { createFlaggerAdapter } from "./flagger.ts";
import { createGithubAdapter } from "./github.ts";
import type { GithubHooks } from "./github-integration.ts";
import { createGitlabAdapter } from "./gitlab.ts";
import { createJenkinsAdapter } from "./jenkins.ts";
import { createSpinnakerAdapter } from "./spinnaker.ts";

/** Signed webhooks need only the configuration; token-authenticated ones also check API tokens. */
export type InboundAdapterFactory = (config: Config, tokens: TokenService) => InboundAdapter;

/** One adapter per tool in INBOUND_TOOLS: a tool without one does not compile. */
export const INBOUND_ADAPTERS: Record<InboundTool, InboundAdapterFactory> = {
  github: createGithubAdapter,
  gitlab: createGitlabAdapter,
  argocd: createArgocdAdapter,
  flagger: createFlaggerAdapter,
  jenkins: createJenkinsAdapter,
  spinnaker: createSpinnakerAdapter,
};

/** GitHub also gets the hooks that keep its deployment reference and answer protection rules, when it is configured. */
export function createInboundAdapters(config: Config, tokens: TokenService, github?: GithubHooks): Record<InboundTool, InboundAdapter> {
  const built = Object.entries(INBOUND_ADAPTERS).map(([tool, create]) => [tool, create(config, tokens)]);
  return { ...(Object.fromEntries(built) as Record<InboundTool, InboundAdapter>), github: createGithubAdapter(config, tokens, github) };
}
