#!/bin/sh
# The namespace the service uses and the booking search attributes (src/temporal/search-attributes.ts),
# so operators can filter runs in the Temporal UI: InstitutionId, ExamStartsAt, BookingStatus.
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
attempt=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  attempt=$((attempt + 1)); [ "$attempt" -ge 60 ] && { echo 'Temporal is not healthy'; exit 1; }
  echo 'waiting for Temporal…'; sleep 3
done
temporal operator namespace describe -n "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$NAMESPACE" --retention 30d --address "$ADDRESS"
# Registered attributes are kept; creating one that exists with the same type is a no-op error.
for sa in InstitutionId=Keyword ExamStartsAt=Datetime BookingStatus=Keyword; do
  name="${sa%%=*}"; type="${sa#*=}"
  temporal operator search-attribute create -n "$NAMESPACE" --name "$name" --type "$type" --address "$ADDRESS" \
    || temporal operator search-attribute list -n "$NAMESPACE" --address "$ADDRESS" | grep -q "$name"
done
echo "namespace $NAMESPACE ready with the booking search attributes"
