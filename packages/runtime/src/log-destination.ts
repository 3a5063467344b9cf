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
/** Lines written in one turn of the event loop go out in one write, or sooner once this many characters wait. */
const BATCH_CHARS = 16 * 1024;

/** Every destination's "write what waits now", run at process exit so no batched line is lost to a synchronous exit. */
const atExit = new Set<() => void>();
let exitHooked = false;
function writeAtExit(writePending: () => void): void {
  atExit.add(writePending);
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => {
    for (const run of atExit) run();
  });
}

/**
 * A pino destination that never blocks the event loop. pino's default (sonic-boom) flushes
 * synchronously at exit and retries a write that cannot proceed in an Atomics.wait loop with no
 * end, so a process whose stdout is not read (or whose reader died) can never exit. This one
 * hands lines to the stream's own non-blocking writes, drops what does not fit in a bounded buffer,
 * and treats a broken stream (EPIPE) as a reader that will never read again. The lines of one
 * event-loop turn are joined into one write (a busy API logs a line per request: one syscall each
 * was a tenth of its CPU); what waits is written at flush() and at process exit.
 */
export function createLogDestination(stream: LogStream, options: LogDestinationOptions): LogDestination {
  const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  let dropped = 0;
  let droppedSinceNotice = 0;
  let broken = false;
  stream.on("error", () => {
    broken = true;
  });

  let pending = "";
  let scheduled = false;
  const writePending = (): void => {
    scheduled = false;
    if (pending === "") return;
    const text = pending;
    pending = "";
    if (!broken) stream.write(text);
  };
  writeAtExit(writePending);

  const write = (line: string): void => {
    if (broken || stream.writableLength + pending.length + line.length > options.maxBufferedBytes) {
      dropped += 1;
      droppedSinceNotice += 1;
      return;
    }
    if (droppedSinceNotice > 0) {
      const count = droppedSinceNotice;
      droppedSinceNotice = 0;
      options.onDropsEnded?.(count);
    }
    pending += line;
    if (pending.length >= BATCH_CHARS) writePending();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(writePending);
    }
  };

  const flush = (cb?: (err?: Error) => void): void => {
    writePending();
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
