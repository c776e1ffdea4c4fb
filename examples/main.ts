/** `npm start`: serve the example application and say where. */
import { app } from "./app.js";

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";
await app.listen(port, host);
console.log(`handlerkit example listening on http://${host}:${port}/ (Ctrl+C to stop)`);
const stop = () => void app.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
