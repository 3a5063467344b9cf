import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A TCP forwarder the test can cut (as if the service behind it died) and restore. */
export interface TcpCutProxy {
  port: number;
  /** Destroys every forwarded connection and stops listening: new connects are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port; connections reach the target as before. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Forwards 127.0.0.1:<spare port> to target (default Postgres at 127.0.0.1:5432). */
export async function startTcpCutProxy(target: { host: string; port: number } = { host: "127.0.0.1", port: 5432 }): Promise<TcpCutProxy> {
  const open = new Set<Socket>();
  const track = (s: Socket): void => {
    open.add(s);
    s.on("close", () => open.delete(s));
    // A reset peer is the point of a cut; the pair is torn down below either way.
    s.on("error", () => s.destroy());
  };
  const server = createServer((client) => {
    const upstream = createConnection(target);
    track(client);
    track(upstream);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await listenOn(server, 0);
  let listening = true;

  const cut = async (): Promise<void> => {
    if (listening) {
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // RST rather than FIN: the client sees the connection die, as when the server's host goes away.
      for (const s of open) s.resetAndDestroy();
      await closed;
    }
  };
  const restore = async (): Promise<void> => {
    if (!listening) {
      await listenOn(server, port);
      listening = true;
    }
  };
  return { port, cut, restore, close: cut };
}
