#!/bin/sh
# Run by the minio-init service (minio/mc image) at every start: the buckets, then one MinIO user per
# kind of client, each limited to its bucket by a policy of this folder. Adding an existing user sets
# its secret again (rotation: change it in deploy/.env and restart).
set -eu
mc alias set root http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing root/acusight-blobs root/acusight-dvc

grant() { # user secret policy
  mc admin policy create root "$3" "/policies/$3.json"
  mc admin user add root "$1" "$2"
  # Attaching an already attached policy is an error; it is then checked instead.
  mc admin policy attach root "$3" --user "$1" 2>/dev/null || mc admin user info root "$1" | grep -q "$3"
}
grant acusight-api "$MINIO_API_SECRET_KEY" acusight-api
grant acusight-worker "$MINIO_WORKER_SECRET_KEY" acusight-worker
