/**
 * V8's own message for a JSON syntax error in `text`, which varies with the
 * Node version (Node 24 adds the line and column): specs that assert the
 * exact 400 message build it from this.
 */
export function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}
