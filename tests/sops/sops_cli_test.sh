#!/usr/bin/env bash
# `plumb sops` end to end on files and stdin: encrypt (flags and .sops.yaml rules), decrypt
# (MAC checked, --extract, keys from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the user's sops keys
# file), a tampered MAC, edit through $EDITOR, updatekeys adding and removing a recipient.
#   sops_cli_test.sh PLUMB SHARED_DIR
set -u
plumb=$1
shared=$2
keys=$shared/sops-cases/keys/age
key1=$keys/flux-kc-test.agekey
key2=$keys/plumb-other.agekey
r1=age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29
r2=age10ezc94fh9v3mzyvcg95h6y9t8kk7ee6zrjy6yh5xtz0k3ahdeaxs8wd0hk

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
# No key the user running the test may have.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config GNUPGHOME=$work/home/.gnupg
unset SOPS_AGE_KEY SOPS_AGE_KEY_FILE EDITOR SOPS_EDITOR
mkdir -p "$HOME"

failures=0
passed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL: $1"; failures=$((failures + 1)); }
check() {  # check WHAT COMMAND...: the command succeeds
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

cd "$work"
cat > plain.yaml <<'EOF'
apiVersion: v1
kind: Secret
metadata:
    name: db
stringData:
    password: s3cr3t-value
    port: 5432
EOF

# Encrypt with a flag, decrypt with SOPS_AGE_KEY_FILE: the same text back.
"$plumb" sops encrypt --age "$r1" plain.yaml > enc.yaml
check "encrypt --age exits 0" test -s enc.yaml
check "the value is encrypted" grep -q "password: ENC\[AES256_GCM" enc.yaml
check "no plaintext in the encrypted file" bash -c "! grep -q s3cr3t-value enc.yaml"
SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt enc.yaml > dec.yaml
check "decrypt gives the plaintext back" cmp -s dec.yaml plain.yaml

# stdin both ways; SOPS_AGE_KEY holds the key itself.
"$plumb" sops encrypt --age "$r1" --input-type json - < <(echo '{"a": "b", "n": 1}') > enc.json
check "stdin encrypts as --input-type json" grep -q '"a": "ENC\[AES256_GCM' enc.json
out=$(SOPS_AGE_KEY=$(grep AGE-SECRET "$key1") "$plumb" sops decrypt --input-type json - < enc.json)
check "SOPS_AGE_KEY and stdin decrypt" test "$out" = "$(printf '{\n\t"a": "b",\n\t"n": 1\n}')"

# A Secret for Git: plumb create secret --export | plumb sops encrypt -.
"$plumb" create secret generic db --from-literal=password=s3cr3t-value --export |
  "$plumb" sops encrypt --age "$r1" --encrypted-regex '^(data|stringData)$' - > secret.enc.yaml
check "create secret | encrypt -: data encrypted" grep -q "    password: ENC\[" secret.enc.yaml
check "create secret | encrypt -: kind in clear" grep -q "^kind: Secret$" secret.enc.yaml
out=$(SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt --extract '["data"]["password"]' secret.enc.yaml)
check "create secret | encrypt -: decrypts" test "$out" = "$(printf s3cr3t-value | base64)"

# INI, as sops writes and prints it (a blank line after the last section when decrypted).
printf '[db]\nuser = admin\npassword = `s3cr3t;x`\n' > plain.ini
"$plumb" sops encrypt --age "$r1" plain.ini > enc.ini
check "INI: values encrypted, [sops] section last" test "$(grep -c '= ENC\[' enc.ini)-$(tail -1 enc.ini | tr -s ' ')" = "3-version = 3.13.2"
out=$(SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt enc.ini; echo .)
check "INI: decrypted as sops prints it" test "$out" = "$(printf '[db]\nuser     = admin\npassword = `s3cr3t;x`\n\n.')"

# The user's sops key file; --extract.
mkdir -p "$XDG_CONFIG_HOME/sops/age"
cp "$key1" "$XDG_CONFIG_HOME/sops/age/keys.txt"
out=$("$plumb" sops decrypt --extract '["stringData"]["password"]' enc.yaml)
check "--extract with the user's keys.txt" test "$out" = "s3cr3t-value"
rm "$XDG_CONFIG_HOME/sops/age/keys.txt"

# No key: a clear error naming the file, exit 1.
"$plumb" sops decrypt enc.yaml > /dev/null 2> err.txt
status=$?
check "no key: exit 1" test "$status" -eq 1
check "no key: the error names the file" grep -q "enc.yaml" err.txt

# A tampered MAC: a clear value under the MAC changed.
"$plumb" sops encrypt --age "$r1" --encrypted-regex '^password$' plain.yaml > partial.yaml
sed 's/name: db/name: dc/' partial.yaml > tampered.yaml
SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt tampered.yaml > out.txt 2> err.txt
status=$?
check "tampered MAC: exit 1" test "$status" -eq 1
check "tampered MAC: says MAC mismatch" grep -q "MAC mismatch" err.txt
check "tampered MAC: nothing printed" test ! -s out.txt
check "tampered MAC: no plaintext in the error" bash -c "! grep -q s3cr3t-value err.txt"
SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt --ignore-mac tampered.yaml > /dev/null
check "--ignore-mac decrypts it" test $? -eq 0

# .sops.yaml from the working directory: path_regex, encrypted_regex; -i in place.
mkdir -p repo/secrets repo/other
cat > repo/.sops.yaml <<EOF
creation_rules:
  - path_regex: secrets/.*\.yaml\$
    encrypted_regex: ^(data|stringData)\$
    age: $r1
  - path_regex: other/
    age: >-
      $r2
EOF
cp plain.yaml repo/secrets/db.yaml
chmod 640 repo/secrets/db.yaml
(cd repo && "$plumb" sops encrypt -i secrets/db.yaml)
check ".sops.yaml rule: stringData encrypted" grep -q "password: ENC\[" repo/secrets/db.yaml
check ".sops.yaml rule: metadata left clear" grep -q "^    name: db$" repo/secrets/db.yaml
check ".sops.yaml rule: encrypted_regex recorded" grep -qF 'encrypted_regex: ^(data|stringData)$' repo/secrets/db.yaml
check "-i keeps the file's mode" test "$(stat -c %a repo/secrets/db.yaml)" = 640
cp plain.yaml repo/other/x.yaml
(cd repo && "$plumb" sops encrypt -i other/x.yaml)
check "the second rule matches other/" grep -q "recipient: $r2" repo/other/x.yaml
cp plain.yaml repo/none.yaml
(cd repo && "$plumb" sops encrypt none.yaml > /dev/null 2> ../err.txt)
check "no matching rule: an error" grep -q "no matching creation rules" err.txt

# updatekeys: add r2, values unchanged, both keys decrypt; then remove r1.
values_before=$(grep "ENC\[" repo/secrets/db.yaml | grep -v "mac:")
sed -i "s|    age: $r1|    age: $r1,$r2|" repo/.sops.yaml
(cd repo && SOPS_AGE_KEY_FILE=$key1 "$plumb" sops updatekeys -y secrets/db.yaml > ../upd.txt 2> ../upd.err)
check "updatekeys exits 0" test $? -eq 0
check "updatekeys prints the change" grep -qx "+++ $r2" upd.txt
check "updatekeys keeps the common key" grep -qx "    $r1" upd.txt
check "updatekeys says it synced" grep -q "synced with new keys" upd.err
check "updatekeys leaves the values" test "$(grep "ENC\[" repo/secrets/db.yaml | grep -v "mac:")" = "$values_before"
out=$(SOPS_AGE_KEY_FILE=$key2 "$plumb" sops decrypt --extract '["stringData"]["password"]' repo/secrets/db.yaml)
check "the added key decrypts" test "$out" = "s3cr3t-value"
(cd repo && SOPS_AGE_KEY_FILE=$key1 "$plumb" sops updatekeys -y secrets/db.yaml > ../upd.txt 2> ../upd.err)
check "nothing to change: already up to date" grep -q "already up to date" upd.err
sed -i "s|    age: $r1,$r2|    age: $r2|" repo/.sops.yaml
(cd repo && SOPS_AGE_KEY_FILE=$key2 "$plumb" sops updatekeys -y secrets/db.yaml > ../upd.txt 2>&1)
check "updatekeys prints the removal" grep -qx -- "--- $r1" upd.txt
SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt repo/secrets/db.yaml > /dev/null 2>&1
check "the removed key no longer decrypts" test $? -eq 1
sed -i "s|    age: $r2\$|    age: $r2,$r1|" repo/.sops.yaml
(cd repo/secrets && echo n | SOPS_AGE_KEY_FILE=$key2 "$plumb" sops updatekeys \
  --config ../.sops.yaml db.yaml > ../../upd.txt 2>&1)
check "--config relative to the working directory: the rule matches" grep -qx "+++ $r1" upd.txt
check "the prompt is sops'" grep -q "Is this okay? (y/n):" upd.txt
check "answering n changes nothing" bash -c "! grep -q 'recipient: $r1' repo/secrets/db.yaml"

# updatekeys on dotenv, from one key group to two (Shamir: both keys needed afterwards).
mkdir -p envrepo
printf 'creation_rules:\n  - path_regex: \\.env$\n    age: %s\n' "$r1" > envrepo/.sops.yaml
printf 'A=1\nB=two\n' > envrepo/app.env
(cd envrepo && "$plumb" sops encrypt -i app.env)
cat > envrepo/.sops.yaml <<EOF
creation_rules:
  - path_regex: \.env\$
    key_groups:
      - age: [$r1]
      - age: [$r2]
EOF
(cd envrepo && SOPS_AGE_KEY_FILE=$key1 "$plumb" sops updatekeys -y app.env > ../upd.txt 2>&1)
check "updatekeys to key groups" test "$(sed -n '2,5p' upd.txt)" = "$(printf 'Group 1\n    %s\nGroup 2\n+++ %s' "$r1" "$r2")"
check "the threshold is written" grep -q "^sops_shamir_threshold=2$" envrepo/app.env
SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt envrepo/app.env > /dev/null 2>&1
check "one of two groups does not decrypt" test $? -eq 1
both="$(grep AGE-SECRET "$key1"),$(grep AGE-SECRET "$key2")"
out=$(SOPS_AGE_KEY=$both "$plumb" sops decrypt envrepo/app.env)
check "both groups decrypt the dotenv file" test "$out" = "$(printf 'A=1\nB=two')"

# edit: the editor changes one value; the file is encrypted again with the same keys.
cat > editor.sh <<'EOF'
#!/bin/sh
ls -ld "$(dirname "$1")" | cut -c1-10 > "$EDITOR_LOG"
ls -l "$1" | cut -c1-10 >> "$EDITOR_LOG"
sed -i 's/s3cr3t-value/new-value/' "$1"
EOF
chmod +x editor.sh
export EDITOR_LOG=$work/editor.log
cp enc.yaml edit.yaml
SOPS_AGE_KEY_FILE=$key1 EDITOR=$work/editor.sh "$plumb" sops edit edit.yaml
check "edit exits 0" test $? -eq 0
check "the editor's directory is private" test "$(sed -n 1p editor.log)" = "drwx------"
check "the editor's file is 0600" test "$(sed -n 2p editor.log)" = "-rw-------"
out=$(SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt --extract '["stringData"]["password"]' edit.yaml)
check "edit changed the value" test "$out" = "new-value"
check "edit keeps an unchanged value's ciphertext" test "$(grep '    port:' edit.yaml)" = "$(grep '    port:' enc.yaml)"
check "edit gives the edited value a new ciphertext" test "$(grep '    password:' edit.yaml)" != "$(grep '    password:' enc.yaml)"
check "edit kept the recipient" grep -q "recipient: $r1" edit.yaml
check "the temporary file is gone" test -z "$(ls -A "$TMPDIR")"
SOPS_AGE_KEY_FILE=$key1 EDITOR=true "$plumb" sops edit edit.yaml 2> err.txt
check "an unchanged edit exits 200, as sops" test $? -eq 200
printf '#!/bin/sh\nprintf "extra: 1\\n" >> "$1"\n' > append.sh
chmod +x append.sh
SOPS_AGE_KEY_FILE=$key1 EDITOR=$work/append.sh "$plumb" sops edit edit.yaml 2> err.txt
check "an edit without comments warns nothing" test ! -s err.txt
out=$(SOPS_AGE_KEY_FILE=$key1 "$plumb" sops decrypt --extract '["extra"]' edit.yaml)
check "the appended key is there" test "$out" = 1
printf '#ENC[AES256_GCM,data:x,iv:y,tag:z,type:comment]\n' | cat - edit.yaml > edit2.yaml
printf '#!/bin/sh\nsed -i "s/extra: 1/extra: 2/" "$1"\n' > bump.sh
chmod +x bump.sh
SOPS_AGE_KEY_FILE=$key1 EDITOR=$work/bump.sh "$plumb" sops edit edit2.yaml 2> err.txt
check "comments lost: a warning" grep -q "comments are not kept" err.txt
printf '#!/bin/sh\nprintf "bad: [\\n" >> "$1"\n' > break.sh
chmod +x break.sh
cp edit.yaml edit3.yaml
SOPS_AGE_KEY_FILE=$key1 EDITOR=$work/break.sh "$plumb" sops edit edit3.yaml 2> err.txt
check "an invalid edit fails" test $? -eq 1
check "an invalid edit leaves the file" cmp -s edit.yaml edit3.yaml
check "an invalid edit leaves no temporary file" test -z "$(ls -A "$TMPDIR")"

# PGP through the user's GnuPG keyring ($GNUPGHOME): encrypt to a fingerprint, decrypt.
mkdir -m 700 -p "$GNUPGHOME"
gpg --batch --quiet --import "$shared/sops-cases/keys/pgp/sops-functional-tests.asc" 2>/dev/null
"$plumb" sops encrypt --pgp "FBC7 B9E2 A4F9 289A C0C1  D484 3D16 CEE4 A273 81B4" plain.yaml > pgp.yaml
check "--pgp from the keyring" grep -q "fp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4" pgp.yaml
"$plumb" sops decrypt pgp.yaml > dec.yaml
check "PGP decrypts with the keyring" cmp -s dec.yaml plain.yaml
"$plumb" sops decrypt --output-type json "$shared/sops-cases/sops/sops-ft-format-ini/encrypted.ini" > ini.json
check "a file sops wrote (INI, PGP) as JSON" grep -q '"bar": "baz"' ini.json
gpgconf --kill all 2>/dev/null

# Usage errors.
"$plumb" sops encrypt > /dev/null 2>&1
check "no FILE: exit 2" test $? -eq 2
"$plumb" sops frobnicate x > /dev/null 2>&1
check "unknown command: exit 2" test $? -eq 2

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
