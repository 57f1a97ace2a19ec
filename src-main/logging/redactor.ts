const SENSITIVE_KEY = /secret|password|passwd|pwd|token|authorization|api[-_]?key|cookie/i;
const REDACTED = '[redacted]';
/** Values shorter than this are not scrubbed from free text: "1" or "ab" would shred every line. */
const MIN_SCRUB_LENGTH = 4;

/**
 * Keeps secrets out of log lines. Structured fields with sensitive names are replaced; known secret
 * values (registered by the SecretStore as they are read or written) are scrubbed from any text,
 * including error messages that echo a request back.
 */
export class Redactor {
  private readonly known = new Set<string>();

  remember(secret: string): void {
    if (secret.length >= MIN_SCRUB_LENGTH) this.known.add(secret);
  }

  text(input: string): string {
    let out = input;
    // Longest first: scrubbing a secret that is a prefix of another would leave the other's tail.
    for (const secret of [...this.known].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  value(input: unknown, depth = 0): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input instanceof Error) return this.text(`${input.name}: ${input.message}`);
    if (input === null || typeof input !== 'object') return input;
    // Never hand back the original object: its keys and strings would skip redaction (and a cycle would
    // make the logger's JSON.stringify throw).
    if (depth > 6) return '[truncated]';
    if (Array.isArray(input)) return input.map((item) => this.value(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(input)) {
      out[key] = SENSITIVE_KEY.test(key) && item !== undefined && item !== null ? REDACTED : this.value(item, depth + 1);
    }
    return out;
  }
}
