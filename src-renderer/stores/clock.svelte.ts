/**
 * The current time, ticking once a second while some view needs it (live durations, retry countdowns).
 * One timer for the whole screen, however many rows read it.
 */
class Clock {
  now = $state(Date.now());

  #users = 0;
  #timer: ReturnType<typeof setInterval> | null = null;

  /** Starts ticking for one more user; returns the function that lets go. */
  use(): () => void {
    this.#users += 1;
    if (this.#timer === null) {
      this.now = Date.now();
      this.#timer = setInterval(() => (this.now = Date.now()), 1000);
    }
    return () => {
      this.#users -= 1;
      if (this.#users === 0 && this.#timer !== null) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
  }
}

export const clock = new Clock();
