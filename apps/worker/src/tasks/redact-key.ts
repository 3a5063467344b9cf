/**
 * Takes the task's LLM key out of any text about to be stored or logged (a provider that echoes
 * the key in its error message, a page that shows it): whatever reaches Postgres, a log line or a
 * webhook has "[redacted]" where the key was.
 */
export function keyRedactor(key: string): (text: string) => string {
  if (key.length < 4) return (text) => text;
  return (text) => (text.includes(key) ? text.split(key).join("[redacted]") : text);
}
