// npm run web:types — writes web/src/api.gen.ts from the API's OpenAPI document (src/web/api-types.ts).
import { writeFileSync } from "node:fs";
import { API_TYPES_FILE, apiTypesText } from "../src/web/api-types.ts";

writeFileSync(API_TYPES_FILE, await apiTypesText());
console.log(`wrote ${API_TYPES_FILE.pathname}`);
