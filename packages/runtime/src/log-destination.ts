/** The part of a Node writable stream (process.stdout) the destination uses. */
export interface LogStream {
  write(chunk: string, callback?: (err?: Error | null) => void): boolean;
  readonly writableLength: number;
  on(event: "error", listener: (err: Error) => void): unknown;
}

export interface LogDestinationOptions {
  /** Bytes that may wait for a slow reader; past them new lines are dropped (and counted), never waited for. */
  maxBufferedBytes: number;
  /** Longest wait of flush(): an exiting process never waits on a reader that does not read. */
  flushTimeoutMs?: number;
  /** Called once the stream takes lines again after some were dropped, with how many. */
  onDropsEnded?: (dropped: number) => void;
}

export interface LogDestination {
  /** pino's stream interface: one serialized line per call. */
  write(line: string): void;
  /** pino's logger.flush(cb): resolves once the lines written so far have left, or after flushTimeoutMs. */
  flush(cb?: (err?: Error) => void): void;
  /** Lines dropped since start because the reader was not keeping up or had gone. */
  readonly dropped: number;
}

const DEFAULT_FLUSH_TIMEOUT_MS = 1_000;

/**
 * A pino destination that never blocks the event loop. pino's default (sonic-boom) flushes
 * synchronously at exit and retries a write that cannot proceed in an Atomics.wait loop with no
 * end, so a process whose stdout is not read (or whose reader died) can never exit. This one
 * hands lines to the stream's own non-blocking writes, drops what does not fit in a bounded buffer,
 * and treats a broken stream (EPIPE) as a reader that will never read again.
 */
export function createLogDestination(stream: LogStream, options: LogDestinationOptions): LogDestination {
  const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  let dropped = 0;
  let droppedSinceNotice = 0;
  let broken = false;
  stream.on("error", () => {
    broken = true;
  });

  const write = (line: string): void => {
    if (broken || stream.writableLength + line.length > options.maxBufferedBytes) {
      dropped += 1;
      droppedSinceNotice += 1;
      return;
    }
    if (droppedSinceNotice > 0) {
      const count = droppedSinceNotice;
      droppedSinceNotice = 0;
      options.onDropsEnded?.(count);
    }
    stream.write(line);
  };

  const flush = (cb?: (err?: Error) => void): void => {
    if (broken || stream.writableLength === 0) {
      cb?.();
      return;
    }
    let called = false;
    const done = (): void => {
      if (called) return;
      called = true;
      clearTimeout(timer);
      cb?.();
    };
    const timer = setTimeout(done, flushTimeoutMs);
    timer.unref();
    // Writes complete in order: the callback of an empty one runs once everything before it has left.
    stream.write("", done);
  };

  return {
    write,
    flush,
    get dropped() {
      return dropped;
    },
  };
}
