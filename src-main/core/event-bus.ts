import type { EventName, EventPayloads } from '../../src-shared/contract.js';

export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/** Push events from services to whichever transports are attached (windows, WebSocket clients). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
