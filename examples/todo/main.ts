/**
 * `npm start`: serve the todo application on 127.0.0.1:8080 (`HOST` and
 * `PORT` override), print the database, the login, the API token and the
 * URL, and stop gracefully on Ctrl+C (SIGINT) or SIGTERM.
 */
import { app } from "./site.js";

await app.run({ host: process.env.HOST || "127.0.0.1" });
