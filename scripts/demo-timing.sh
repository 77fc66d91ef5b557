#!/usr/bin/env bash
# Times the README demo with the real defaults: starts `caas serve` with no
# configuration at all (a fresh temporary working directory, so the embedded
# SQLite database lands in its ./caas-data, and a free port), logs in with the
# logins the banner prints, and drives the whole journey through the web
# pages with curl (cookie jars, CSRF tokens scraped from the forms):
#
#   sales registers the sale (intranet form) → the customer activates from
#   the emailed link (read at /ops/mail as the admin) → pays the señal online
#   → the simulated factory builds the car → staff press the reception button
#   → the customer pays the final amount → registration and home delivery run
#   by themselves → the customer links the app from the vehicle page → the
#   dashboard shows "Operativo" (OPERATIONAL).
#
# It prints a report (each manual step, each tracker step as the customer's
# dashboard shows it, the total from sale to OPERATIONAL). It measures; it
# never asserts a time. The manual steps take a script a fraction of a second.
#
# Usage:  cargo build --release --bin caas && scripts/demo-timing.sh
#         (uses target/release/caas, else target/debug/caas; or CAAS_BIN=…)
# Needs:  curl, openssl (for the phone's P-256 key), base64, sed, grep, awk.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CAAS_BIN:-}
if [ -z "$BIN" ]; then
    for b in "$ROOT/target/release/caas" "$ROOT/target/debug/caas"; do
        if [ -x "$b" ]; then BIN=$b; break; fi
    done
fi
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "no caas binary: run 'cargo build --release --bin caas' first (or set CAAS_BIN)" >&2
    exit 2
fi
LIMIT=${DEMO_WAIT_LIMIT_SECS:-1200} # give up waiting for one step after this long

WORK=$(mktemp -d "${TMPDIR:-/tmp}/caas-demo.XXXXXX")
PID=""
cleanup() {
    if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    if [ -z "${DEMO_KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT
fail() {
    echo "FAILED: $*" >&2
    echo "--- last page ($WORK/last.html) ---" >&2; head -c 3000 "$WORK/last.html" >&2 2>/dev/null || true
    echo; echo "--- server log (tail) ---" >&2; tail -n 30 "$WORK/server.err" >&2 2>/dev/null || true
    exit 1
}

# ---- start the server: nothing configured but a free port ------------------
(cd "$WORK" && exec env -i PATH="$PATH" HOME="$WORK" CAAS_BIND=127.0.0.1:0 \
    "$BIN" serve >"$WORK/server.out" 2>"$WORK/server.err") &
PID=$!
for _ in $(seq 1 600); do
    grep -q "Health:" "$WORK/server.out" 2>/dev/null && break
    kill -0 "$PID" 2>/dev/null || fail "caas serve exited"
    sleep 0.1
done
grep -q "Health:" "$WORK/server.out" || fail "no banner after 60 s"
# (the log lines go to stdout too: read only the banner's lines)
URL=$(grep "caas is running on" "$WORK/server.out" | grep -o 'http://[^ ]*' | head -1)
nth() { grep -E "^ +$1 " "$WORK/server.out" | sed -n "${2}p" | awk '{print $2}'; }
ADMIN=$(nth "email:" 1); ADMIN_PW=$(nth "password:" 1)
SELLER=$(nth "email:" 2); SELLER_PW=$(nth "password:" 2)
[ -n "$SELLER" ] || fail "the banner printed no demo sales login"

# ---- HTTP helpers -------------------------------------------------------------
# get WHO PATH: the page, kept in $WORK/last.html and printed.
get() {
    curl -sS -b "$WORK/$1.jar" -c "$WORK/$1.jar" -o "$WORK/last.html" "$URL$2" || fail "GET $2"
    cat "$WORK/last.html"
}
# post WHO PATH EXPECTED_STATUS field=value…: posts a form; prints the Location.
post() {
    local who=$1 path=$2 expect=$3 out; shift 3
    local args=()
    for f in "$@"; do args+=(--data-urlencode "$f"); done
    out=$(curl -sS -b "$WORK/$who.jar" -c "$WORK/$who.jar" -o "$WORK/last.html" \
        -w '%{http_code} %header{location}' "${args[@]}" "$URL$path") || fail "POST $path"
    [ "${out%% *}" = "$expect" ] || fail "POST $path answered ${out%% *}, expected $expect"
    echo "${out#* }"
}
field() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" | head -1; }
login() {
    local csrf
    csrf=$(get "$1" /login | field _csrf)
    post "$1" /login 303 "_csrf=$csrf" "email=$2" "password=$3" "next=" >/dev/null
}
step_of() { { grep -o 'aria-current="step">[^<]*' || true; } | head -1 | sed 's/.*>//'; }

# ---- the report -------------------------------------------------------------
now() { date +%s.%N; }
T0=""; LAST=""; MANUAL=0
mark() { # mark KIND TEXT: one report line (KIND = manual | auto)
    local t; t=$(now)
    [ -n "$T0" ] || { T0=$t; LAST=$t; }
    printf '%9s  %+9s  %-7s %s\n' \
        "$(awk -v a="$t" -v b="$T0" 'BEGIN{printf "%.1f s", a-b}')" \
        "$(awk -v a="$t" -v b="$LAST" 'BEGIN{printf "%.1f s", a-b}')" "$1" "$2"
    [ "$1" = manual ] && MANUAL=$(awk -v m="$MANUAL" -v a="$t" -v b="$LAST" 'BEGIN{print m+a-b}')
    LAST=$t
}
STEP=""
track() { # records a change of the customer's tracker step
    local s; s=$(get customer /customer | step_of)
    if [ -n "$s" ] && [ "$s" != "$STEP" ]; then STEP=$s; mark auto "tracker: $s"; fi
}
# wait_for WHAT CMD…: polls (reading pages only) until CMD succeeds.
wait_for() {
    local what=$1 start; start=$(date +%s); shift
    until track; "$@"; do
        [ $(( $(date +%s) - start )) -lt "$LIMIT" ] || fail "gave up waiting for $what"
        sleep 1
    done
}
page_has() { get "$1" "$2" | grep -q -- "$3"; }
tracker_is() { [ "$STEP" = "$1" ]; }

echo "caas demo timing — $BIN"
echo "server $URL, data in $WORK/caas-data, no configuration (defaults: factory step 10 s, carrier step 10 s)"
echo "sales login $SELLER (from the banner); admin $ADMIN reads the outbox"
echo
printf '%9s  %9s  %-7s %s\n' "at" "took" "who" "step"

CUSTOMER=lucia.demo@example.test
PW=una-clave-larga-1

# 1. Sales registers the sale in the intranet.
login staff "$SELLER" "$SELLER_PW"
csrf=$(get staff /intranet/sales/new | field _csrf)
loc=$(post staff /intranet/sales/new 303 "_csrf=$csrf" \
    "customer_name=Lucía Fernández Núñez" document_type=DNI document_number=12345678Z \
    birth_date=1988-07-02 "email=$CUSTOMER" phone=+34699000321 language=es \
    "address_line1=Calle de Alcalá 100" address_postal_code=28009 address_locality=Madrid \
    address_country=ES "delivery_line1=Calle de Alcalá 100" delivery_postal_code=28009 \
    delivery_locality=Madrid delivery_country=ES platform_code=SUV-E-26 \
    option_codes=SUV-E-26:HEAT_PUMP option_codes=SUV-E-26:DRIVER_ASSIST \
    vehicle_price=52900.00 senal=2000.00 currency=EUR maintenance_included=on)
ORDER=$(echo "$loc" | sed -n 's#.*/intranet/orders/\(ord_[0-9a-f]*\).*#\1#p')
[ -n "$ORDER" ] || fail "no order page after the sale form ($loc)"
mark manual "sale registered in the intranet ($ORDER)"

# 2. The customer activates from the emailed link (the admin reads the outbox).
login admin "$ADMIN" "$ADMIN_PW"
TOKEN=""
for _ in $(seq 1 100); do
    mails=$(get admin /ops/mail | grep -F "$CUSTOMER" | grep -o '/ops/mail/eml_[0-9a-f]*' || true)
    for m in $mails; do
        TOKEN=$(get admin "$m" | { grep -o '/activate?token=[^"<&[:space:]]*' || true; } \
            | head -1 | sed 's/.*token=//')
        [ -n "$TOKEN" ] && break
    done
    [ -n "$TOKEN" ] && break
    sleep 0.2
done
[ -n "$TOKEN" ] || fail "no activation email for $CUSTOMER in the outbox"
csrf=$(get customer "/activate?token=$TOKEN" | field _csrf)
post customer /activate 200 "_csrf=$csrf" "token=$TOKEN" "password=$PW" "confirm=$PW" >/dev/null
login customer "$CUSTOMER" "$PW"
mark manual "customer activated from the emailed link and logged in"

# 3. The customer pays the señal online from the expediente.
exp=$(get customer "/expediente/$ORDER")
post customer "/expediente/$ORDER/senal" 303 "_csrf=$(echo "$exp" | field _csrf)" \
    "attempt_key=$(echo "$exp" | field attempt_key)" payment_method=tok_test_ok >/dev/null
mark manual "customer paid the señal online (tok_test_ok)"

# 4. The factory builds the car. The reception button shows from dispatch on
#    (IN_TRANSIT_TO_DEALERSHIP); staff press it once the car is there, which
#    the factory reports ("Tu vehículo ha llegado al concesionario").
arrived() {
    get staff "/intranet/orders/$ORDER" >/dev/null
    grep -q 'id="reception-form"' "$WORK/last.html" && grep -q 'ha llegado al concesionario' "$WORK/last.html"
}
wait_for "the car at the dealership" arrived
mark auto "factory: car available at the dealership (reception button on the order page)"

# 5. Staff press the reception button.
csrf=$(get staff "/intranet/orders/$ORDER" | field _csrf)
post staff "/intranet/orders/$ORDER/reception" 303 "_csrf=$csrf" "notes=sin daños" >/dev/null
mark manual "staff recorded the reception"

# 6. The customer pays the final amount on the final-payment page.
wait_for "the final payment due" page_has customer "/expediente/$ORDER/final-payment" 'data-stage="due"'
fp=$(cat "$WORK/last.html")
post customer "/expediente/$ORDER/final-payment" 303 "_csrf=$(echo "$fp" | field _csrf)" \
    "attempt_key=$(echo "$fp" | field attempt_key)" payment_method=tok_test_ok >/dev/null
mark manual "customer paid the final amount online"

# 7. Settlement, registration and home delivery run by themselves.
wait_for "the delivered car" tracker_is "Entregado"
PLATE=$(get customer /customer | { grep -o "id=\"plate-$ORDER\">[^<]*" || true; } | sed 's/.*>//')

# 8. The customer links the app from the vehicle page (the page's script
#    makes the P-256 key pair; here openssl does).
KEY=$(openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null \
    | openssl ec -pubout -outform DER 2>/dev/null | base64 | tr -d '\n')
csrf=$(get customer "/vehicle/$ORDER" | field _csrf)
post customer "/vehicle/$ORDER/app-link" 303 "_csrf=$csrf" "public_key=$KEY" \
    "label=Móvil de Lucía" >/dev/null
mark manual "customer linked the app on the vehicle page"

# 9. The car confirms the key: OPERATIONAL.
wait_for "OPERATIONAL" tracker_is "Operativo"
get customer "/vehicle/$ORDER" | grep -q 'data-status="linked"' || fail "vehicle page not linked"

echo
awk -v a="$(now)" -v b="$T0" -v m="$MANUAL" 'BEGIN{
    t=a-b; printf "TOTAL sale → OPERATIONAL: %.1f s (%d min %02d s), of which manual steps %.1f s\n", t, int(t/60), int(t%60), m }'
echo "plate $PLATE, order $ORDER, binary $(basename "$(dirname "$BIN")")"
