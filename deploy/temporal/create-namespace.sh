#!/bin/sh
# The namespace the service uses and the booking search attributes (src/temporal/search-attributes.ts),
# so operators can filter runs in the Temporal UI: InstitutionId, ExamStartsAt, BookingStatus,
# NextNotificationAt (register it before deploying a worker that sets it).
# Closed runs (their histories hold the booking, patient data included) are kept for
# TEMPORAL_NAMESPACE_RETENTION, set on create and brought in line on every start
# (docs/operations.md, "What is kept for how long").
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-7d}"
attempt=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  attempt=$((attempt + 1)); [ "$attempt" -ge 60 ] && { echo 'Temporal is not healthy'; exit 1; }
  echo 'waiting for Temporal…'; sleep 3
done
if temporal operator namespace describe -n "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  temporal operator namespace update -n "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
else
  temporal operator namespace create -n "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
fi
# Registered attributes are kept; creating one that exists with the same type is a no-op error.
for sa in InstitutionId=Keyword ExamStartsAt=Datetime BookingStatus=Keyword NextNotificationAt=Datetime; do
  name="${sa%%=*}"; type="${sa#*=}"
  temporal operator search-attribute create -n "$NAMESPACE" --name "$name" --type "$type" --address "$ADDRESS" \
    || temporal operator search-attribute list -n "$NAMESPACE" --address "$ADDRESS" | grep -q "$name"
done
echo "namespace $NAMESPACE ready (closed runs kept $RETENTION) with the booking search attributes"
