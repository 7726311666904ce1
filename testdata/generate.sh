#!/usr/bin/env bash
# Regenerates testdata/: test keys, a small test CA, and a sample model signed by ModelGate's own
# `sign` (key method and certificate method). Test material only: never trust these keys.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
keys="$here/keys"
rm -rf "$keys" "$here/models"
mkdir -p "$keys" "$here/models"

# Signing key for the key method (EC P-256, PKCS#8).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$keys/signer.key" 2>/dev/null
openssl pkey -in "$keys/signer.key" -pubout -out "$keys/signer.pub"

# A small CA: root -> intermediate -> code-signing leaf (EC P-384).
cat > "$keys/ca.cnf" <<'CNF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectAltName = email:release@modelgate.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
for n in root intermediate leaf; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$keys/$n.key" 2>/dev/null
done
openssl req -new -x509 -key "$keys/root.key" -subj "/O=ModelGate Test/CN=ModelGate Test Root CA" \
  -days 3650 -extensions root -config "$keys/ca.cnf" -out "$keys/root.pem" 2>/dev/null
openssl req -new -key "$keys/intermediate.key" -subj "/O=ModelGate Test/CN=ModelGate Test Intermediate CA" \
  -config "$keys/ca.cnf" 2>/dev/null \
  | openssl x509 -req -CA "$keys/root.pem" -CAkey "$keys/root.key" -CAcreateserial -days 3000 \
      -extfile "$keys/ca.cnf" -extensions intermediate -out "$keys/intermediate.pem" 2>/dev/null
openssl req -new -key "$keys/leaf.key" -subj "/O=ModelGate Test/CN=release signer" -config "$keys/ca.cnf" 2>/dev/null \
  | openssl x509 -req -CA "$keys/intermediate.pem" -CAkey "$keys/intermediate.key" -CAcreateserial -days 2000 \
      -extfile "$keys/ca.cnf" -extensions leaf -out "$keys/leaf.pem" 2>/dev/null
rm -f "$keys"/*.srl

# The sample model: a config, a tokenizer and some weights (deterministic bytes).
make_model() {
  local dir="$1"
  mkdir -p "$dir/tokenizer"
  printf '{\n  "architectures": ["TinyModel"],\n  "hidden_size": 64\n}\n' > "$dir/config.json"
  printf 'hello\nworld\n' > "$dir/tokenizer/vocab.txt"
  printf '{"version": "1.0"}\n' > "$dir/tokenizer.json"
  head -c 1048576 /dev/zero | tr '\0' '\141' > "$dir/model.safetensors"
}
make_model "$here/models/sample"
make_model "$here/models/sample-cert"

"$root/modelgate" sign "$here/models/sample" --private-key "$keys/signer.key"
"$root/modelgate" sign "$here/models/sample-cert" --private-key "$keys/leaf.key" \
  --signing-certificate "$keys/leaf.pem" --certificate-chain "$keys/intermediate.pem"

# A tampered copy for demos of a denial: one byte of the config changed after signing.
cp -r "$here/models/sample" "$here/models/sample-tampered"
printf '{\n  "architectures": ["TinyModel"],\n  "hidden_size": 65\n}\n' > "$here/models/sample-tampered/config.json"
echo "testdata regenerated in $here" >&2
