import { createSocket, type RemoteInfo, type Socket as DgramSocket } from "node:dgram";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface TestNameserver {
  /** `127.0.0.1:<port>`, for DNS_SERVERS (UDP and TCP listen on the same port). */
  address: string;
  /** Queries received, by name (A and AAAA each count). */
  queries(name?: string): number;
  close(): Promise<void>;
}

/**
 * A nameserver on 127.0.0.1 for tests, answering by the name's last labels:
 * `*.blackhole.test` receives and never answers (UDP or TCP), `*.ok.test` is A 127.0.0.1
 * (no AAAA), `*.servfail.test` is SERVFAIL, anything else NXDOMAIN.
 */
export async function startTestNameserver(): Promise<TestNameserver> {
  const seen = new Map<string, number>();
  const answer = (query: Buffer): Buffer | null => {
    const question = parseQuestion(query);
    if (question === null) return null;
    seen.set(question.name, (seen.get(question.name) ?? 0) + 1);
    if (question.name.endsWith(".blackhole.test")) return null;
    if (question.name.endsWith(".ok.test")) return reply(query, question, 0, question.type === 1 ? [[127, 0, 0, 1]] : []);
    if (question.name.endsWith(".servfail.test")) return reply(query, question, 2, []);
    return reply(query, question, 3, []);
  };

  // DNS over TCP: two length bytes before each message; a black-holed query keeps its connection silent.
  const sockets = new Set<Socket>();
  const onTcpConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + message.length);
        const out = answer(message);
        if (out !== null) socket.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]));
      }
    });
  };

  // UDP takes a free port first; the same TCP port may be held by another process (tests run in
  // parallel), so on EADDRINUSE both are given up and another port is tried.
  const { udp, tcp, port } = await bindUdpAndTcp((message, from, socket) => {
    const out = answer(message);
    if (out !== null) socket.send(out, from.port, from.address);
  }, onTcpConnection);

  return {
    address: `127.0.0.1:${port}`,
    queries: (name) => (name === undefined ? [...seen.values()].reduce((a, b) => a + b, 0) : (seen.get(name) ?? 0)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}

async function bindUdpAndTcp(
  onMessage: (message: Buffer, from: RemoteInfo, socket: DgramSocket) => void,
  onConnection: (socket: Socket) => void,
): Promise<{ udp: DgramSocket; tcp: Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket("udp4");
    udp.on("message", (message: Buffer, from: RemoteInfo) => onMessage(message, from, udp));
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
    const port = udp.address().port;
    const tcp = createServer(onConnection);
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, "127.0.0.1", () => resolve());
      });
      if ((tcp.address() as AddressInfo).port !== port) throw new Error("TCP nameserver port differs from UDP");
      return { udp, tcp, port };
    } catch (error) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20) throw error;
    }
  }
}

interface Question {
  name: string;
  type: number;
  /** Offset just past the question (header + one question). */
  end: number;
}

function parseQuestion(message: Buffer): Question | null {
  if (message.length < 12 || message.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < message.length && message[at] !== 0) {
    const length = message[at]!;
    if (length > 63 || at + 1 + length > message.length) return null;
    labels.push(message.toString("latin1", at + 1, at + 1 + length));
    at += 1 + length;
  }
  if (at + 5 > message.length) return null;
  return { name: labels.join(".").toLowerCase(), type: message.readUInt16BE(at + 1), end: at + 5 };
}

/** The query's header and question, then one A record per address (TTL 60 s). */
function reply(query: Buffer, question: Question, rcode: number, addresses: number[][]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const records = addresses.map((octets) => {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0);
    record.writeUInt16BE(1, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE(60, 6);
    record.writeUInt16BE(4, 10);
    Buffer.from(octets).copy(record, 12);
    return record;
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...records]);
}
