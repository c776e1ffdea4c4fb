/** `./app.js` as the docs' samples import it: an application (see docs/writing-docs.md). */
import { Application } from "../../../lib/index.js";

/** The application a sample imports from `./app.js`. */
export const app = new Application();
