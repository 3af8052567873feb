// Decrypts a SOPS file with sops-age (npm, an independent JavaScript implementation) and
// prints the result as JSON, for sops_age_check.sh to compare with the plaintext.
//   node sops_age_check.mjs SOPS_AGE_DIST_INDEX FILE TYPE(yaml|json|env) SECRET_KEY
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [index, file, fileType, secretKey] = process.argv.slice(2);
const { decryptSops } = await import(pathToFileURL(index).href);
const result = await decryptSops(readFileSync(file, "utf8"), { fileType, secretKey });
process.stdout.write(JSON.stringify(result));
