import type { RouteModule } from "../server.ts";

/** Placeholder: the routes of this part are being written. */
export const intakeApi: RouteModule = () => {};
