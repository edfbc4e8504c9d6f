import { afterEach, describe, expect, it } from "vitest";
import { DashboardDefinitions } from "../../src/dashboard/definitions/dashboard-definitions.ts";
import { sectionsFor } from "../../src/dashboard/service-page.tsx";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService | undefined;
afterEach(() => svc?.close());

describe("service page follows its dashboard definition (dashboards/*.yaml)", () => {
  const definitions = new DashboardDefinitions("dashboards");
  definitions.load();

  it("orders and picks the page's sections by the definition's panels", () => {
    expect(sectionsFor(definitions.dashboardFor("checkout"))).toEqual(["health", "history", "quiet", "charts", "capacity"]);
    // The payments team lists charts (metric, latency) before errors and capacity last.
    expect(sectionsFor(definitions.dashboardFor("payments-api"))).toEqual(["health", "history", "charts", "quiet", "capacity"]);
    expect(sectionsFor({ ...definitions.dashboardFor("checkout"), panels: [{ kind: "latency", id: "latency", title: "p95", width: "half" }] })).toEqual(["charts"]);
  });

  it("renders the matching definition's title and sections in that order", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_OPEN_READS: "true", DEPLOY_GUARD_DASHBOARDS: "dashboards" } });
    const html = await (await svc.app.request("/services/payments-api")).text();
    expect(html).toContain('data-dashboard="payments-team"');
    const at = (text: string) => html.indexOf(text);
    expect(at("releases")).toBeGreaterThan(0);
    expect(at('id="service-chart"')).toBeGreaterThan(0);
    expect(at('class="quiet"')).toBeGreaterThan(at('id="service-chart"'));
  });
});
