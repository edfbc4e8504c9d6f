import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { bodySizeLimit } from "../http/body-size.ts";
import { boardRoutes } from "./board-page.tsx";
import { capacityPageRoutes } from "./capacity-page.tsx";
import { dashboardAccess } from "./dashboard-access.ts";
import { assetRoutes } from "./dashboard-assets.ts";
import { loginRoutes } from "./login-page.tsx";
import { managerPageRoutes } from "./manager-page.tsx";
import { releasePageRoutes } from "./release-page.tsx";
import { servicePageRoutes } from "./service-page.tsx";

const FORM_BYTES = 64 * 1024;

/** One dashboard page: the paths the read check guards, and the function that declares its routes (createRoute). */
interface DashboardPage {
  paths: string[];
  register: (app: Router, c: Container) => void;
}

// Add a page here: its paths get the access check (open reads or a read token) before its routes are declared.
const PAGES: DashboardPage[] = [
  { paths: ["/", "/board.json"], register: boardRoutes },
  { paths: ["/services/:service"], register: servicePageRoutes },
  { paths: ["/services/:service/capacity"], register: capacityPageRoutes },
  { paths: ["/releases/:id", "/releases/:id/decision"], register: releasePageRoutes },
  { paths: ["/manager"], register: managerPageRoutes },
];

/** The pages for people who are not engineers: sign-in, assets, then every page behind the read check. */
export function dashboardRoutes(app: Router, c: Container): void {
  // Forms carry a token, a reason and a CSRF token: a few kilobytes at most.
  for (const path of ["/login", "/logout", "/releases/:id/decision"]) app.use(path, bodySizeLimit(FORM_BYTES));
  assetRoutes(app);
  loginRoutes(app, c);
  const access = dashboardAccess(c);
  for (const page of PAGES) {
    for (const path of page.paths) app.use(path, access);
    page.register(app, c);
  }
}
