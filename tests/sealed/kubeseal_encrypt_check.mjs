// Seals values with @linode/kubeseal-encrypt (npm, an independent JavaScript implementation of
// the sealed-secrets hybrid encryption) for sealed_kubeseal_encrypt_test.cpp to unseal.
//   node kubeseal_encrypt_check.mjs PACKAGE_INDEX PUBLIC_KEY_PEM_FILE NAMESPACE VALUES_JSON_FILE
// prints a JSON list of base64 sealed values, one per value.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [index, pemFile, namespace, valuesFile] = process.argv.slice(2);
const { encryptSecretItem } = createRequire(import.meta.url)(index);
const pem = readFileSync(pemFile, "utf8");
const values = JSON.parse(readFileSync(valuesFile, "utf8"));
const sealed = [];
for (const value of values) sealed.push(await encryptSecretItem(pem, namespace, value));
process.stdout.write(JSON.stringify(sealed));
