import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateOpenApiTypes } from "./openapi-types.ts";

const target = join(import.meta.dirname, "..", "src", "generated", "openapi.ts");
writeFileSync(target, await generateOpenApiTypes());
console.log(`wrote ${target}`);
