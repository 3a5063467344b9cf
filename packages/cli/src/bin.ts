import { main } from "./main.ts";

// The compiled CLI's entry (packages/cli/dist/browserfleet.js); bin/browserfleet.mjs runs the sources instead.
process.exitCode = await main(process.argv.slice(2));
