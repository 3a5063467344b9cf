import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A TCP forwarder the test can cut or freeze (as if the service behind it died or the network hung) and restore. */
export interface TcpCutProxy {
  port: number;
  /** Destroys every forwarded connection and stops listening: new connects are refused. */
  cut(): Promise<void>;
  /** Connections stay open but no byte moves either way, and new ones are accepted and held: a hung server or network. */
  freeze(): void;
  /** Back to normal: listens again after a cut; after a freeze, held bytes and connections flow on. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
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
  const pairs = new Set<Pair>();
  let frozen = false;

  const connectUpstream = (pair: Pair): void => {
    const upstream = createConnection(target);
    pair.upstream = upstream;
    // A reset peer is the point of a cut; the pair is torn down below either way.
    upstream.on("error", () => upstream.destroy());
    upstream.on("close", () => pair.client.destroy());
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
    pair.client.resume();
  };
  const server = createServer((client) => {
    const pair: Pair = { client, upstream: null };
    pairs.add(pair);
    client.on("error", () => client.destroy());
    client.on("close", () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    // While frozen a new connection is accepted (the kernel would) but gets nowhere.
    if (frozen) client.pause();
    else connectUpstream(pair);
  });
  const port = await listenOn(server, 0);
  let listening = true;

  const cut = async (): Promise<void> => {
    frozen = false;
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // RST rather than FIN: the client sees the connection die, as when the server's host goes away.
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream?.destroy();
    }
    await closed;
  };
  const freeze = (): void => {
    frozen = true;
    for (const { client, upstream } of pairs) {
      if (!upstream) continue;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  };
  const restore = async (): Promise<void> => {
    if (frozen) {
      frozen = false;
      for (const pair of pairs) {
        if (pair.upstream === null) {
          connectUpstream(pair);
          continue;
        }
        pair.client.pipe(pair.upstream);
        pair.upstream.pipe(pair.client);
        pair.client.resume();
        pair.upstream.resume();
      }
    }
    if (!listening) {
      await listenOn(server, port);
      listening = true;
    }
  };
  return { port, cut, freeze, restore, close: cut };
}
