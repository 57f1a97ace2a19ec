// Types for asterisk-manager 0.2.0 (CommonJS, untyped), as far as Switchboard uses it. Only
// src-main/ami/ami-connection.ts imports the package; everything else sees the wrapper.
declare module 'asterisk-manager' {
  type Value = string | string[] | Record<string, string> | undefined;
  type Message = { readonly [key: string]: Value };

  interface Manager {
    options: { port?: number; host: string; username: string; password: string; events: boolean };
    connect(port: number, host: string, callback?: () => void): void;
    login(callback?: (err?: Message) => void): void;
    /** Sends an action; keys are re-cased, values stringified. Returns the ActionID used. */
    action(action: Record<string, string>, callback?: (err: Message | undefined, response: Message) => void): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
    on(event: 'managerevent' | 'response' | 'asterisk' | 'rawevent', listener: (message: Message) => void): void;
    on(event: 'connect' | 'close' | 'end', listener: () => void): void;
    on(event: 'error', listener: (err: Error) => void): void;
    removeListener(event: string, listener: (...args: never[]) => void): void;
    removeAllListeners(event?: string): void;
    listeners(event: string): unknown[];
  }

  function AsteriskManager(port?: number, host?: string, username?: string, password?: string, events?: boolean): Manager;
  export = AsteriskManager;
}
