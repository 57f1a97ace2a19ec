/** Nearest-rank percentile of samples in milliseconds, rounded to microseconds. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank] * 1000) / 1000;
}

/** The one line every benchmark prints. */
export function report(name: string, figures: Record<string, number | string>): void {
  process.stdout.write(`${JSON.stringify({ name, figures })}\n`);
}
