import { METHODS } from "node:http";
import { parse as parseQuery } from "node:querystring";
import fc from "fast-check";
import { isUuid, type RouteDoc } from "@browserfleet/core";

/** One hostile request, built so that no server could rightly accept it; `label` says which part is broken. */
export interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzOptions {
  apiKey: string;
  bodyLimitBytes: number;
  maxUrlBytes: number;
  headerLimitBytes: number;
}

const TARGET = "http://127.0.0.1:9/fuzz";

/** A body each route accepts, so a mutation of one field is the only thing wrong with it. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  quickScrape: { url: TARGET, async: true },
  quickScreenshot: { url: TARGET, async: true },
  quickExtract: { url: TARGET, prompt: "title", async: true },
  quickBatch: { urls: [TARGET] },
  quickCrawl: { url: TARGET },
  createKey: { name: "fuzz" },
  createWebhook: { url: "http://127.0.0.1:9/hook" },
  updateWebhook: { description: "fuzz" },
};

const printable = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
/** Header values undici can send: printable ASCII and Latin-1. */
const headerValue = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength });
const anyText = fc.string({ unit: "binary", maxLength: 60 });

/** Crawl path patterns RegExp would backtrack on, or that are huge or odd: RE2 runs them, or the API says why not. */
const HOSTILE_PATTERNS = [
  "(\\w|\\d)*x$",
  "(a|aa)*b",
  "(x|x)*y",
  "^(\\d|\\w|[0-9])+$",
  "(a+)+$",
  "((a*)*)*b",
  "^/([a-z]+)*/x",
  "(.*a){100}",
  "[a-z]{990}",
  "(?P<n>a)",
  "(?<n>a)/(?<m>b)",
  "(?i)^/blog",
  "\\Q(a+)+\\E",
  "\\p{Greek}",
  "[[:alpha:]]+",
  "\\x{41}",
  "^$",
  ".",
];
/** Patterns RE2 cannot run or the API refuses: backreferences, lookarounds, too large a program, bad syntax, length. */
const REFUSED_PATTERNS = [
  "(a)\\1",
  "(\\w+)/\\1",
  "(?<n>x)\\k<n>",
  "^/(?=docs)",
  "^/(?!admin)",
  "(?<=/)x",
  "(?<!/)x",
  `(?:${"abcdefghij".repeat(50)}){1000}`,
  "(?:[a-z]/){600}",
  "a{1001}",
  "((a{30}){30}){30}",
  "(".repeat(200),
  "\\",
  "[^]",
  "\\u0041",
  "(?>atomic)",
  "a++",
  "x".repeat(513),
  "",
];

/** A schema that throws instead of answering (a bug the server would turn into a 500) counts as refusing: send it. */
function acceptsBody(schema: RouteDoc["body"] & object, text: string): boolean {
  try {
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}
const isBodyMethod = (method: string): boolean => method !== "GET" && method !== "DELETE";

export function fuzzRequests(routes: RouteDoc[], options: FuzzOptions): fc.Arbitrary<FuzzRequest> {
  const literals = new Set(routes.flatMap((r) => r.path.split("/")).filter((s) => s && !s.startsWith("{")).map((s) => s.toLowerCase()));
  const methodsAt = (path: string): Set<string> => new Set(routes.filter((r) => r.path === path).map((r) => r.method.toUpperCase()));
  const good = { "x-api-key": options.apiKey };
  const pathWith = (route: RouteDoc, id: string): string => route.path.replace(/\{\w+\}/g, id);
  const validBody = (route: RouteDoc): string | undefined =>
    route.body ? JSON.stringify(VALID_BODIES[route.operationId] ?? {}) : undefined;
  const base = (route: RouteDoc, id: string): FuzzRequest => ({
    label: "",
    method: route.method.toUpperCase(),
    path: pathWith(route, id),
    headers: route.body ? { ...good, "content-type": "application/json" } : { ...good },
    body: validBody(route),
  });

  /** A path id that is not a UUID and cannot turn the path into another route (".", "", a literal segment). */
  const badId = fc
    .oneof(
      anyText,
      printable(40),
      fc.uuid().map((u) => `${u}x`),
      fc.uuid().map((u) => u.replaceAll("-", "")),
      fc.uuid().map((u) => `{${u}}`),
      fc.constantFrom("null", "undefined", "0", "-1", "1e309", "NaN", "' OR 1=1 --", "${jndi:x}", "<script>", "\u0000", "%00"),
    )
    .filter((id) => {
      try {
        encodeURIComponent(id);
      } catch {
        return false; // a lone surrogate: not a string any client can send
      }
      return id !== "" && !isUuid(id) && !/^\.{1,2}$/.test(id) && !literals.has(id.toLowerCase());
    })
    .map(encodeURIComponent);
  const rawBadId = fc.constantFrom("%", "%zz", "%E0%A4%A", "%C0%AF", "%FF%FE", "a%2Fb", "%2e%2e%2fcredits");

  const byRoute = routes.map((route) => {
    // Weighted toward the inputs handlers parse themselves (bodies, ids, queries), where bugs hide.
    const breakers: { arbitrary: fc.Arbitrary<FuzzRequest>; weight: number }[] = [];
    const add = (weight: number, arbitrary: fc.Arbitrary<FuzzRequest>): void => void breakers.push({ arbitrary, weight });
    const withId = fc.uuid().map((id) => base(route, id));

    if (route.auth) {
      const badAuth = fc.oneof(
        fc.constant({}),
        fc.constant({ "x-api-key": "" }),
        headerValue(80).map((v) => ({ "x-api-key": v })),
        headerValue(80).map((v) => ({ authorization: `Bearer ${v}` })),
        headerValue(80).map((v) => ({ authorization: v })),
        fc.stringMatching(/^[0-9a-f]{32}$/).map((hex) => ({ "x-api-key": `agt_live_${hex}` })),
        fc.constantFrom(
          { "x-api-key": `${options.apiKey}0` },
          { "x-api-key": options.apiKey.toUpperCase() },
          { authorization: `Basic ${Buffer.from(`${options.apiKey}:`).toString("base64")}` },
          { authorization: `Bearer ${options.apiKey.slice(0, -1)}` },
        ),
      );
      add(2, 
        fc.tuple(withId, badAuth).map(([req, auth]) => {
          const { "x-api-key": _, ...rest } = req.headers;
          return { ...req, label: `auth ${JSON.stringify(auth)}`, headers: { ...rest, ...auth } };
        }),
      );
    }

    if (route.pathParams) {
      add(3, fc.tuple(fc.oneof({ arbitrary: badId, weight: 4 }, { arbitrary: rawBadId, weight: 1 })).map(([id]) => ({ ...base(route, id), label: `path id ${id}` })));
    }

    if (route.query) {
      const query = route.query;
      const names = fc.oneof(fc.constantFrom(...Object.keys(query.shape)), printable(12).filter((k) => k.length > 0));
      const value = fc.oneof(printable(30), fc.integer().map(String), fc.double().map(String), fc.constantFrom("", "-1", "0", "1e3", "201", "999999999999", "[]", "{}", "true"));
      add(3, 
        fc
          .tuple(withId, fc.array(fc.tuple(names, value), { minLength: 1, maxLength: 5 }))
          .map(([req, pairs]) => ({ req, qs: new URLSearchParams(pairs).toString() }))
          .filter(({ qs }) => !query.safeParse(parseQuery(qs)).success)
          .map(({ req, qs }) => ({ ...req, label: `query ${qs}`, path: `${req.path}?${qs}` })),
      );
    }

    if (route.body) {
      const schema = route.body;
      const template = VALID_BODIES[route.operationId] ?? {};
      const fields = [...Object.keys(template), "url", "urls", "formats", "timeout_ms", "limit", "max_depth", "__proto__", "constructor"];
      const without = Object.keys(template).map((field) => Object.fromEntries(Object.entries(template).filter(([k]) => k !== field)));
      const mutated = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.tuple(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 })).map(([field, v]) => ({ ...template, [field]: v })),
        {
          // Strings into the fields the route really reads: most validation (URLs, names, regexes) is of strings.
          arbitrary: fc.tuple(fc.constantFrom(...Object.keys(template), "url"), fc.oneof(printable(60), anyText)).map(([field, v]) => ({ ...template, [field]: v })),
          weight: 2,
        },
        fc.constantFrom({}, ...without),
        fc.dictionary(printable(10), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }).map((extra) => ({ ...extra, ...template, url: extra.url ?? 7 })),
      );
      // Nesting thousands deep, written as text: hostile to every recursive reader (parsers, jsonb, loggers).
      const deep = fc.tuple(fc.constantFrom(...fields, "schema"), fc.integer({ min: 33, max: 8_000 }), fc.boolean()).map(([field, depth, arrays]) => {
        const nested = arrays ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
        return `{${Object.entries(template).filter(([k]) => k !== field).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`).join("")}${JSON.stringify(field)}:${nested}}`;
      });
      const bodyText = fc.oneof({ arbitrary: mutated.map((v) => JSON.stringify(v) ?? "null"), weight: 5 }, { arbitrary: deep, weight: 1 });
      add(8, 
        fc
          .tuple(withId, bodyText)
          .filter(([, text]) => !acceptsBody(schema, text))
          .map(([req, text]) => ({ ...req, label: `body ${text.slice(0, 200)}`, body: text })),
      );
    }

    if (route.operationId === "quickCrawl") {
      // Hostile patterns next to at least one the API must refuse: validation has to compile them all, and fast.
      const pattern = fc.oneof(fc.constantFrom(...HOSTILE_PATTERNS), fc.constantFrom(...REFUSED_PATTERNS), printable(40), anyText);
      add(3,
        fc
          .tuple(withId, fc.array(pattern, { maxLength: 6 }), fc.constantFrom(...REFUSED_PATTERNS), fc.nat(), fc.constantFrom("include_paths", "exclude_paths"), fc.array(pattern, { maxLength: 3 }))
          .map(([req, list, refused, at, field, other]) => {
            list.splice(at % (list.length + 1), 0, refused);
            const otherField = field === "include_paths" ? "exclude_paths" : "include_paths";
            return { req, text: JSON.stringify({ ...VALID_BODIES.quickCrawl, [field]: list, [otherField]: other }) };
          })
          .filter(({ text }) => !acceptsBody(route.body!, text))
          .map(({ req, text }) => ({ ...req, label: `crawl patterns ${text.slice(0, 300)}`, body: text })),
      );
    }

    if (route.auth && isBodyMethod(route.method.toUpperCase())) {
      const notJson = anyText.filter((t) => {
        try {
          JSON.parse(t);
          return t.trim() === ""; // an empty body reads as {}: not malformed
        } catch {
          return true;
        }
      }).filter((t) => t.trim() !== "");
      const jsonTypes = fc.constantFrom("application/json", "application/json; charset=utf-8", "application/merge-patch+json", "APPLICATION/JSON");
      const otherTypes = fc.constantFrom(
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/octet-stream",
        "application/json; charset=utf-16",
        "application/json; charset=latin1",
        "json",
        "application/jsonx",
      );
      add(3, 
        fc.oneof(
          fc.tuple(withId, jsonTypes, notJson).map(([req, type, text]) => ({ ...req, label: `invalid JSON ${JSON.stringify(text)}`, headers: { ...req.headers, "content-type": type }, body: text })),
          fc.tuple(withId, otherTypes, fc.oneof(fc.constant(validBody(route) ?? "{}"), anyText.filter((t) => t !== ""))).map(([req, type, text]) => ({
            ...req,
            label: `content-type ${type}`,
            headers: { ...req.headers, "content-type": type },
            body: text,
          })),
          fc.tuple(withId, fc.integer({ min: options.bodyLimitBytes + 1, max: options.bodyLimitBytes * 2 })).map(([req, size]) => ({
            ...req,
            label: `body of ${size} bytes`,
            headers: { ...req.headers, "content-type": "application/json" },
            body: JSON.stringify({ pad: "x".repeat(size) }),
          })),
          fc.tuple(withId, fc.constantFrom("gzip", "deflate", "br", "compress", "x-unknown")).map(([req, encoding]) => ({
            ...req,
            label: `content-encoding ${encoding}`,
            headers: { ...req.headers, "content-encoding": encoding, "content-type": "application/json" },
            body: "{not compressed",
          })),
        ),
      );
    }

    add(1, 
      fc.tuple(withId, fc.integer({ min: options.maxUrlBytes + 1, max: options.headerLimitBytes - 2048 })).map(([req, size]) => ({
        ...req,
        label: `URL of ${size} bytes`,
        path: `${req.path}?pad=${"a".repeat(size - req.path.length - 5)}`,
      })),
    );

    const wrong = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !methodsAt(route.path).has(m));
    if (wrong.length > 0) {
      add(1, 
        fc.tuple(withId, fc.constantFrom(...wrong)).map(([req, method]) => ({
          ...req,
          label: `method ${method}`,
          method,
          body: isBodyMethod(method) ? (req.body ?? "{}") : undefined,
          headers: isBodyMethod(method) ? { ...req.headers, "content-type": "application/json" } : req.headers,
        })),
      );
    }
    return fc.oneof(...breakers);
  });

  // Paths no route serves; routing is case-sensitive and strict, so only the exact spelling is a route.
  const templates = routes.map((r) => new RegExp(`^${r.path.replace(/\{\w+\}/g, "[^/]+")}$`));
  const unknownPath = fc
    .tuple(
      fc.constantFrom("/", "/v1/", "/v1/quick/", "/v1/jobs/", "/v2/", "//"),
      fc.array(fc.oneof(printable(20), anyText).filter((seg) => seg !== "" && !/^\.{1,2}$/.test(seg)), { minLength: 1, maxLength: 4 }),
      fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
    )
    .filter(([, segments]) => segments.every((seg) => { try { encodeURIComponent(seg); return true; } catch { return false; } }))
    .map(([prefix, segments, method]): FuzzRequest => ({
      label: `unknown path`,
      method,
      path: prefix + segments.map(encodeURIComponent).join("/"),
      headers: isBodyMethod(method) ? { ...good, "content-type": "application/json" } : { ...good },
      body: isBodyMethod(method) ? "{}" : undefined,
    }))
    .filter((req) => URL.canParse(`http://x${req.path}`) && !templates.some((t) => t.test(new URL(`http://x${req.path}`).pathname)));

  /** Another spelling of a real route (letter case of its literal segments, a trailing slash), with a valid key and body. */
  const pathVariant = fc
    .tuple(fc.constantFrom(...routes), fc.uuid(), fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), fc.boolean())
    .map(([route, id, flips, slash]): FuzzRequest => {
      let k = 0;
      const flip = (ch: string): string => (flips[k++ % flips.length] ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch);
      const spelled = route.path
        .split("/")
        .map((seg) => (seg.startsWith("{") ? id : [...seg].map(flip).join("")))
        .join("/");
      const req = base(route, id);
      return { ...req, label: `path variant of ${route.method.toUpperCase()} ${route.path}`, path: slash ? `${spelled}/` : spelled };
    })
    .filter((req) => !templates.some((t) => t.test(req.path)));

  const headerOverflow = fc.tuple(fc.constantFrom(...routes), fc.uuid(), fc.integer({ min: options.headerLimitBytes + 1, max: options.headerLimitBytes + 4096 })).map(
    ([route, id, size]) => {
      const req = base(route, id);
      return { ...req, label: `headers of ${size} bytes`, headers: { ...req.headers, "x-fuzz-pad": "h".repeat(size) } };
    },
  );

  /** Noise on top of the breaker: odd request ids, idempotency keys and unknown headers never rescue a request. */
  const noise = fc.record(
    {
      "x-request-id": headerValue(140),
      "idempotency-key": headerValue(300),
      "x-forwarded-for": printable(40),
      accept: fc.constantFrom("*/*", "text/html", "application/xml", ""),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(
      fc.oneof({ arbitrary: fc.oneof(...byRoute), weight: 30 }, { arbitrary: unknownPath, weight: 2 }, { arbitrary: pathVariant, weight: 3 }, { arbitrary: headerOverflow, weight: 1 }),
      noise,
    )
    .map(([req, extra]) => ({ ...req, headers: { ...extra, ...req.headers } }));
}

/** Byte-level requests Node's parser refuses before Express sees them. */
export function malformedRawRequests(): fc.Arbitrary<{ label: string; bytes: string }> {
  const token = fc.stringMatching(/^[A-Z]{2,10}$/).filter((m) => !METHODS.includes(m));
  const path = fc.constantFrom("/v1/jobs", "/healthz", "/v1/quick/scrape", "/openapi.yaml");
  return fc.oneof(
    fc.tuple(token, path).map(([m, p]) => ({ label: `method ${m}`, bytes: `${m} ${p} HTTP/1.1\r\nHost: x\r\n\r\n` })),
    fc.tuple(path, fc.stringMatching(/^[a-z]{1,8} [a-z]{1,8}$/)).map(([p, name]) => ({ label: `header name "${name}"`, bytes: `GET ${p} HTTP/1.1\r\nHost: x\r\n${name}: v\r\n\r\n` })),
    fc.tuple(path, fc.integer({ min: 1, max: 9 })).map(([p, n]) => ({
      label: "conflicting Content-Length",
      bytes: `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${n}\r\nContent-Length: ${n + 1}\r\n\r\n{}`,
    })),
    fc.tuple(path, fc.stringMatching(/^[g-z]{1,6}$/)).map(([p, size]) => ({
      label: `chunk size ${size}`,
      bytes: `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\n{}\r\n0\r\n\r\n`,
    })),
    fc.tuple(path, fc.integer({ min: 1, max: 31 })).map(([p, c]) => ({ label: `control char ${c} in URL`, bytes: `GET ${p}${String.fromCharCode(c)} HTTP/1.1\r\nHost: x\r\n\r\n` })),
    path.map((p) => ({ label: "header without colon", bytes: `GET ${p} HTTP/1.1\r\nHost: x\r\nno-colon-here\r\n\r\n` })),
  );
}
