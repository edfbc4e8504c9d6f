import type { InboundTool } from "./adapter.ts";

const KB = 1024;
const MB = 1024 * KB;

/**
 * The largest body each tool's webhook may send, far above what it really sends, far below the 32 MB API cap: an
 * unauthenticated or forged delivery can make the guard read no more than this.
 * - github 1 MB: recorded deployment/deployment_status deliveries are 8–15 KB (test/fixtures/webhooks/github); the
 *   repository and sender objects are most of it, the workflow's own deployment.payload the only part that grows.
 * - gitlab 1 MB: deployment hooks are ~2 KB, pipeline hooks (read and ignored) ~7 KB; push hooks list at most 20 commits.
 * - argocd 2 MB: our template plus syncResult, ~300 bytes per synced resource: thousands of resources still fit.
 * - flagger 256 KB: an event is ~600 bytes; metadata is the canary's own short key/value map.
 * - jenkins 2 MB: ~700 bytes, but the Notification plugin can attach the build's last log lines and its parameters.
 * - spinnaker 4 MB: our ~400 byte template, but a batch may list up to 10,000 hosts of up to 255 characters each.
 */
export const WEBHOOK_BODY_CAPS: Record<InboundTool, number> = {
  github: 1 * MB,
  gitlab: 1 * MB,
  argocd: 2 * MB,
  flagger: 256 * KB,
  jenkins: 2 * MB,
  spinnaker: 4 * MB,
};
