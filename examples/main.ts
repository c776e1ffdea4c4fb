/**
 * `npm start`: serve the example application on 127.0.0.1:8080 (or `HOST`
 * and `PORT`), print the address, and shut down gracefully on Ctrl+C.
 */
import { app } from "./app.js";

await app.run({ host: process.env.HOST || "127.0.0.1" });
