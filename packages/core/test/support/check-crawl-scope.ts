// Runs a crawl scope's checks in a process of its own, so a test can kill a check that blocks its event loop.
import { createCrawlScope, type CrawlScopeOptions } from "../../src/index.ts";

const { options, urls } = JSON.parse(process.argv[2]!) as { options: CrawlScopeOptions; urls: string[] };
const scope = createCrawlScope(options);
process.stdout.write(JSON.stringify(urls.map((url) => scope.check(url))));
